/**
 * Validation of a user's ONNX detector before anything runs it. First the file is read as what it claims to be
 * (the ONNX protobuf, through onnx-proto): no larger than MAX_MODEL_BYTES, every weight inside the file (an
 * external-data reference could make onnxruntime read any file on the box), one float image input of rank 4.
 * Only then does onnxruntime open it and run it once on a blank picture — in a short-lived child process with a
 * deadline (model-probe.ts), so a file that crashes or hangs onnxruntime takes down nothing but that child. The
 * outputs it really gives are matched against YOLO and SSD layouts and the label list (user-model-outputs.ts).
 * Every refusal has a stable code and says what was expected and what was found.
 */
import { readFile } from 'node:fs/promises';
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';
import type { UserDetectorSpec } from '../protocol.js';
import { matchOutputs } from './user-model-outputs.js';
import { UserModelError } from './user-model-error.js';
import { probeModel, PROBE_TIMEOUT_MS } from './user-model-probe.js';

export { UserModelError, type UserModelErrorCode } from './user-model-error.js';

// A CommonJS module: its namespace arrives as the default export under ESM.
const { onnx } = onnxProto;

/** 200 MB: far above any detector that runs at a few frames a second on this CPU. */
export const MAX_MODEL_BYTES = 200 * 1024 * 1024;
/** The side fed to a model whose input size is symbolic (YOLO's export default). */
export const DEFAULT_INPUT_SIZE = 640;
/** Subgraphs (If, Loop, Scan bodies) nested deeper than this are refused rather than walked. */
const MAX_GRAPH_DEPTH = 16;

/** How pixels reach the model: `unit` 0–1 (YOLO, the default), `byte` 0–255, `signed` −1–1. */
export type PixelRange = 'unit' | 'byte' | 'signed';
const PIXELS: Record<PixelRange, { scale: number; offset: number }> = {
  unit: { scale: 1 / 255, offset: 0 },
  byte: { scale: 1, offset: 0 },
  signed: { scale: 1 / 127.5, offset: -1 },
};

export interface ValidatedModel {
  spec: UserDetectorSpec;
  /** The input as fed, and every output's shape on that input, for the settings page. */
  input: { name: string; shape: number[] };
  outputs: { name: string; shape: number[] }[];
}

export interface ValidateOptions {
  labels: readonly string[];
  pixels?: PixelRange;
  boxOrder?: 'xyxy' | 'yxyx';
  /** The onnxruntime child's deadline (default PROBE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Validates the ONNX file at `file`; throws UserModelError. */
export async function validateUserModel(file: string, options: ValidateOptions): Promise<ValidatedModel> {
  const bytes = await readFile(file);
  const input = inspectModel(bytes);
  const shape = input.layout === 'nchw' ? [1, 3, input.size, input.size] : [1, input.size, input.size, 3];
  const probed = await probeModel(file, { name: input.name, shape }, options.timeoutMs ?? PROBE_TIMEOUT_MS);
  const matched = matchOutputs(probed.outputs, options.labels);
  return {
    spec: {
      kind: matched.kind,
      labels: [...options.labels],
      input: {
        name: input.name,
        layout: input.layout,
        size: input.size,
        ...PIXELS[options.pixels ?? 'unit'],
      },
      outputs: matched.outputs,
      boxOrder: options.boxOrder ?? 'xyxy',
    },
    input: { name: input.name, shape },
    outputs: probed.outputs.map(({ name, dims }) => ({ name, shape: dims })),
  };
}

export interface ImageInput {
  name: string;
  layout: 'nchw' | 'nhwc';
  size: number;
}

/** An int64 field: a number, or a Long (protobufjs uses long.js when it is installed). */
const num = (value: unknown): number =>
  typeof value === 'number'
    ? value
    : typeof value === 'object' && value !== null && 'toNumber' in value
      ? (value as { toNumber(): number }).toNumber()
      : 0;

/** A dimension as people read it: its size, or its symbol. */
type Dim = number | string;
const dimsOf = (info: OnnxTypes.IValueInfoProto): Dim[] | null => {
  const shape = info.type?.tensorType?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : d.dimValue === null || d.dimValue === undefined ? '?' : num(d.dimValue),
  );
};
export const showDims = (dims: readonly Dim[]): string => `[${dims.join(', ')}]`;

/** The protobuf checks: what the file is, that it is whole in itself, and its one image input. */
export function inspectModel(bytes: Uint8Array): ImageInput {
  if (bytes.byteLength > MAX_MODEL_BYTES) {
    throw new UserModelError(
      'MODEL_TOO_LARGE',
      `expected an ONNX file of at most ${MAX_MODEL_BYTES / 1024 / 1024} MB, found ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB`,
    );
  }
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (failure) {
    throw new UserModelError(
      'MODEL_INVALID',
      `expected an ONNX model (protobuf), found bytes that do not parse as one: ${failure instanceof Error ? failure.message : String(failure)}`,
    );
  }
  const graph = model.graph;
  if (!graph || num(model.irVersion) <= 0 || (graph.node ?? []).length === 0) {
    throw new UserModelError(
      'MODEL_INVALID',
      'expected an ONNX model with an IR version and a graph of nodes, found none: this is not an ONNX model',
    );
  }
  for (const fn of model.functions) walkNodes(fn.node ?? [], 1);
  walkGraph(graph, 0);

  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  // Before IR 4 the weights were listed among the inputs too; only the rest are fed.
  const inputs = (graph.input ?? []).filter((i) => !weights.has(i.name ?? ''));
  const expected = 'one image input [1, 3, H, W] or [1, H, W, 3] (float32, H = W)';
  const found = inputs.map((i) => `${i.name ?? '?'} ${showDims(dimsOf(i) ?? ['?'])}`).join(', ');
  const [input] = inputs;
  if (!input || inputs.length !== 1) {
    throw new UserModelError(
      'MODEL_SHAPE_MISMATCH',
      `expected ${expected}, found ${inputs.length} inputs${found ? `: ${found}` : ''}`,
    );
  }
  const dims = dimsOf(input);
  const elemType = input.type?.tensorType?.elemType;
  if (elemType !== onnx.TensorProto.DataType.FLOAT) {
    const type =
      elemType === undefined || elemType === null ? 'not a tensor' : onnx.TensorProto.DataType[elemType];
    throw new UserModelError(
      'MODEL_SHAPE_MISMATCH',
      `expected ${expected}, found ${found} of type ${type ?? elemType}`,
    );
  }
  if (!dims || dims.length !== 4) {
    throw new UserModelError(
      'MODEL_SHAPE_MISMATCH',
      `expected ${expected}, found ${found} (rank ${dims ? dims.length : 'unknown'})`,
    );
  }
  const [batch, a, b, c] = dims as [Dim, Dim, Dim, Dim];
  const layout = a === 3 ? 'nchw' : c === 3 ? 'nhwc' : null;
  if (layout === null || (typeof batch === 'number' && batch !== 1)) {
    throw new UserModelError('MODEL_SHAPE_MISMATCH', `expected ${expected}, found ${found}`);
  }
  const [h, w] = layout === 'nchw' ? [b, c] : [a, b];
  const fixed = [h, w].filter((d): d is number => typeof d === 'number');
  if ((fixed.length === 2 && h !== w) || fixed.some((d) => d < 8 || d > 4096)) {
    throw new UserModelError(
      'MODEL_SHAPE_MISMATCH',
      `expected ${expected} with a side from 8 to 4096 px, found ${found}`,
    );
  }
  return { name: input.name ?? '', layout, size: fixed[0] ?? DEFAULT_INPUT_SIZE };
}

function refuseExternal(tensor: OnnxTypes.ITensorProto | null | undefined): void {
  if (!tensor) return;
  const external =
    tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData ?? []).length > 0;
  if (external) {
    throw new UserModelError(
      'MODEL_INVALID',
      `expected every weight inside the ONNX file, found ${tensor.name || 'a tensor'} stored in an external file: export the model as one file`,
    );
  }
}

function walkGraph(graph: OnnxTypes.IGraphProto, depth: number): void {
  if (depth > MAX_GRAPH_DEPTH) {
    throw new UserModelError(
      'MODEL_INVALID',
      `expected subgraphs at most ${MAX_GRAPH_DEPTH} deep, found deeper`,
    );
  }
  for (const tensor of graph.initializer ?? []) refuseExternal(tensor);
  for (const sparse of graph.sparseInitializer ?? []) {
    refuseExternal(sparse.values);
    refuseExternal(sparse.indices);
  }
  walkNodes(graph.node ?? [], depth);
}

function walkNodes(nodes: readonly OnnxTypes.INodeProto[], depth: number): void {
  for (const node of nodes) {
    for (const attribute of node.attribute ?? []) {
      refuseExternal(attribute.t);
      for (const tensor of attribute.tensors ?? []) refuseExternal(tensor);
      refuseExternal(attribute.sparseTensor?.values);
      if (attribute.g) walkGraph(attribute.g, depth + 1);
      for (const sub of attribute.graphs ?? []) walkGraph(sub, depth + 1);
    }
  }
}

/**
 * Reads a TensorFlow.js graph model (`model.json` + its weight shards) into plain data: the GraphDef nodes with
 * their attributes decoded, and every weight as a typed array (dequantized when the shards are quantized).
 * The format is tfjs-converter's: a `modelTopology` GraphDef as JSON and a `weightsManifest` naming the shards.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConvertError } from './errors.js';

export type DType = 'float32' | 'int32' | 'bool';

/** A constant tensor, its data in row-major order. */
export interface Constant {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** One attribute value, decoded from the GraphDef's JSON form. */
export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'type'; value: string }
  | { kind: 'shape'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'other' };

export interface GraphNode {
  name: string;
  op: string;
  /** Data inputs as `node` or `node:k` (control inputs, `^node`, are dropped). */
  inputs: string[];
  attr: Record<string, AttrValue>;
}

export interface TfjsGraph {
  nodes: GraphNode[];
  weights: Map<string, Constant>;
  /** The signature's input and output names (the graph's Placeholders and its outputs). */
  inputs: string[];
  outputs: string[];
}

interface JsonAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  list?: { i?: (string | number)[]; f?: number[]; s?: string[]; type?: string[] };
  tensor?: unknown;
}
interface JsonNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, JsonAttr>;
}
interface JsonWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}
interface ModelJson {
  format?: string;
  modelTopology?: { node?: JsonNode[] };
  weightsManifest?: { paths: string[]; weights: JsonWeight[] }[];
  signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> };
  userDefinedMetadata?: { signature?: ModelJson['signature'] };
}

const decodeBase64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

function decodeAttr(attr: JsonAttr): AttrValue {
  if (attr.i !== undefined) return { kind: 'int', value: Number(attr.i) };
  if (attr.f !== undefined) return { kind: 'float', value: attr.f };
  if (attr.b !== undefined) return { kind: 'bool', value: attr.b };
  if (attr.s !== undefined) return { kind: 'string', value: decodeBase64(attr.s) };
  if (attr.type !== undefined) return { kind: 'type', value: attr.type };
  if (attr.shape !== undefined)
    return { kind: 'shape', value: (attr.shape.dim ?? []).map((d) => Number(d.size ?? -1)) };
  if (attr.list !== undefined) {
    if (attr.list.i) return { kind: 'ints', value: attr.list.i.map(Number) };
    if (attr.list.f) return { kind: 'floats', value: attr.list.f.map(Number) };
    if (attr.list.s) return { kind: 'strings', value: attr.list.s.map(decodeBase64) };
    return { kind: 'ints', value: [] };
  }
  return { kind: 'other' };
}

/** Converts IEEE half floats to single floats. */
function halfToFloat(half: Uint16Array): Float32Array {
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) {
    const h = half[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? Number.NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

const count = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

function readWeight(spec: JsonWeight, bytes: Buffer, offset: number): { constant: Constant; size: number } {
  const n = count(spec.shape);
  const dtype: DType | undefined =
    spec.dtype === 'float32'
      ? 'float32'
      : spec.dtype === 'int32'
        ? 'int32'
        : spec.dtype === 'bool'
          ? 'bool'
          : undefined;
  if (!dtype) throw new ConvertError('UNSUPPORTED_DTYPE', `weight ${spec.name} has dtype ${spec.dtype}`);
  const q = spec.quantization;
  const width = q ? (q.dtype === 'uint8' ? 1 : 2) : dtype === 'bool' ? 1 : 4;
  const size = n * width;
  if (offset + size > bytes.length) {
    throw new ConvertError(
      'WEIGHTS_TRUNCATED',
      `the weights end at byte ${bytes.length} but ${spec.name} needs bytes ${offset}–${offset + size}`,
    );
  }
  const slice = new Uint8Array(
    bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size),
  );
  let data: Constant['data'];
  if (q?.dtype === 'float16') data = halfToFloat(new Uint16Array(slice.buffer));
  else if (q) {
    const raw = q.dtype === 'uint8' ? slice : new Uint16Array(slice.buffer);
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    data =
      dtype === 'int32'
        ? Int32Array.from(raw, (v) => Math.round(v * scale + min))
        : Float32Array.from(raw, (v) => v * scale + min);
  } else if (dtype === 'float32') data = new Float32Array(slice.buffer);
  else if (dtype === 'int32') data = new Int32Array(slice.buffer);
  else data = slice;
  return { constant: { dtype, shape: spec.shape, data }, size };
}

/** Loads `model.json` and its shards (next to it). Throws ConvertError on a malformed or truncated model. */
export async function readTfjsGraph(modelJsonPath: string): Promise<TfjsGraph> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  } catch (error) {
    throw new ConvertError(
      'MODEL_JSON_INVALID',
      `${modelJsonPath} is not a TensorFlow.js model: ${String(error)}`,
    );
  }
  const rawNodes = json.modelTopology?.node;
  if (!Array.isArray(rawNodes))
    throw new ConvertError('MODEL_JSON_INVALID', `${modelJsonPath} has no graph nodes`);
  const weights = new Map<string, Constant>();
  for (const group of json.weightsManifest ?? []) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dirname(modelJsonPath), p))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const spec of group.weights) {
      const { constant, size } = readWeight(spec, bytes, offset);
      weights.set(spec.name, constant);
      offset += size;
    }
  }
  const nodes: GraphNode[] = rawNodes.map((node) => ({
    name: node.name,
    op: node.op,
    inputs: (node.input ?? []).filter((input) => !input.startsWith('^')),
    attr: Object.fromEntries(Object.entries(node.attr ?? {}).map(([key, value]) => [key, decodeAttr(value)])),
  }));
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  const inputs = Object.values(signature?.inputs ?? {}).map((i) => i.name.replace(/:0$/, ''));
  const outputs = Object.values(signature?.outputs ?? {}).map((o) => o.name.replace(/:0$/, ''));
  return {
    nodes,
    weights,
    inputs: inputs.length ? inputs : nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name),
    outputs,
  };
}

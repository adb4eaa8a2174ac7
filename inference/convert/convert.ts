/**
 * TensorFlow.js graph → ONNX. Walks the nodes the outputs need (depth first, each once), folds whatever is
 * computable from weights alone, and hands every other node to its op converter. Images run in NCHW between
 * the input's transpose and the first layout-bound op; an op outside the table is refused by name before any
 * work is done, so a model either converts completely or not at all.
 */
import { Context, type OpConverter } from './context.js';
import { ConvertError } from './errors.js';
import { foldConstant } from './fold.js';
import type { GraphIo } from './onnx-graph.js';
import { CONV_OPS } from './ops-conv.js';
import { ELEMENTWISE_OPS } from './ops-elementwise.js';
import { SHAPE_OPS } from './ops-shape.js';
import { constantTensor, type Tensor } from './tensor.js';
import { attrType } from './attrs.js';
import type { DType, GraphNode, TfjsGraph } from './tfjs-graph.js';

const CONVERTERS: Record<string, OpConverter> = { ...CONV_OPS, ...ELEMENTWISE_OPS, ...SHAPE_OPS };

/** Every TensorFlow op type the converter handles: exactly those the shipped graphs use. */
export const SUPPORTED_OPS = ['Const', 'Placeholder', ...Object.keys(CONVERTERS)].sort();

export interface ConvertedModel {
  bytes: Uint8Array;
  inputs: GraphIo[];
  outputs: GraphIo[];
  /** ONNX op types in the model, and how many nodes and layout transposes it has. */
  onnxOps: string[];
  nodeCount: number;
  transposes: number;
}

const parseRef = (ref: string): [string, number] => {
  const colon = ref.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(ref.slice(colon + 1))
    ? [ref.slice(0, colon), Number(ref.slice(colon + 1))]
    : [ref, 0];
};

function dtypeOf(node: GraphNode): DType {
  const type = attrType(node, 'dtype');
  if (type === 'DT_FLOAT') return 'float32';
  if (type === 'DT_INT32') return 'int32';
  throw new ConvertError('UNSUPPORTED_DTYPE', `input ${node.name} has dtype ${type}`);
}

export function convertGraph(graph: TfjsGraph, docString: string): ConvertedModel {
  const byName = new Map(graph.nodes.map((node) => [node.name, node]));
  const consumed = new Set(graph.nodes.flatMap((node) => node.inputs.map((ref) => parseRef(ref)[0])));
  const outputs = graph.outputs.length
    ? graph.outputs
    : graph.nodes.filter((node) => node.op !== 'Const' && !consumed.has(node.name)).map((node) => node.name);

  const unknown = [...new Set(graph.nodes.map((node) => node.op))].filter(
    (op) => !SUPPORTED_OPS.includes(op),
  );
  if (unknown.length) {
    const where = unknown.map((op) => `${op} (${graph.nodes.find((node) => node.op === op)!.name})`);
    throw new ConvertError('UNSUPPORTED_OP', `unsupported TensorFlow op: ${where.join(', ')}`);
  }

  const cx = new Context();
  const inputs: GraphIo[] = [];
  cx.graph.reserve([...graph.inputs, ...outputs]);
  const done = new Map<string, Tensor[]>();
  const visiting = new Set<string>();

  const visit = (name: string): Tensor[] => {
    const ready = done.get(name);
    if (ready) return ready;
    const node = byName.get(name);
    if (!node) throw new ConvertError('MISSING_INPUT', `the graph refers to a node ${name} it does not have`);
    if (visiting.has(name))
      throw new ConvertError('MODEL_JSON_INVALID', `the graph has a cycle through ${name}`);
    visiting.add(name);
    const result = convertNode(node);
    visiting.delete(name);
    done.set(name, result);
    return result;
  };

  const input = (ref: string): Tensor => {
    const [name, index] = parseRef(ref);
    const tensor = visit(name)[index];
    if (!tensor) throw new ConvertError('MISSING_INPUT', `${name} has no output ${index}`);
    return tensor;
  };

  const convertNode = (node: GraphNode): Tensor[] => {
    if (node.op === 'Const') {
      const weight = graph.weights.get(node.name);
      if (!weight)
        throw new ConvertError('MISSING_INPUT', `constant ${node.name} is not in the weights manifest`);
      return [constantTensor(weight)];
    }
    if (node.op === 'Placeholder') {
      const attr = node.attr['shape'];
      const shape = attr?.kind === 'shape' ? attr.value : [];
      const io: GraphIo = { name: node.name, dtype: dtypeOf(node), shape };
      inputs.push(io);
      return [{ onnx: node.name, shape, dtype: io.dtype, nchw: false }];
    }
    const args = node.inputs.map(input);
    if (args.every((t) => t.constant)) {
      const folded = foldConstant(
        node,
        args.map((t) => t.constant!),
      );
      if (folded) return folded.map(constantTensor);
    }
    return CONVERTERS[node.op]!(node, args, cx);
  };

  const outputIo = outputs.map((ref): GraphIo => {
    const tensor = input(ref);
    cx.graph.output(ref, cx.plain(tensor, ref));
    return { name: ref, dtype: tensor.dtype, shape: tensor.shape };
  });
  const bytes = cx.graph.encode(inputs, outputIo, { producer: 'vigil-convert', docString });
  return {
    bytes,
    inputs,
    outputs: outputIo,
    onnxOps: cx.graph.opTypes,
    nodeCount: cx.graph.nodeCount,
    transposes: cx.transposes,
  };
}

/**
 * Elementwise ops. A binary op on an NCHW tensor stays in NCHW when its other operand is a constant (permuted
 * at conversion), a layout-free tensor or another rank-4 tensor; otherwise both sides go to TensorFlow's layout.
 * Floor division and floor modulo are spelled exactly (ONNX's Div truncates integers).
 */
import { attrType } from './attrs.js';
import { type Context, type OpConverter, produced } from './context.js';
import { broadcastShapes, isLayoutFree, type Tensor } from './tensor.js';
import type { DType, GraphNode } from './tfjs-graph.js';

/** The ONNX operands of a binary op and whether they (and so the result) are NCHW. */
function operands(
  cx: Context,
  node: GraphNode,
  inputs: Tensor[],
): { names: string[]; nchw: boolean; shape: number[] } {
  const shape = inputs.map((t) => t.shape).reduce(broadcastShapes);
  const fits = (t: Tensor) =>
    t.nchw || t.constant !== undefined || isLayoutFree(t.shape) || t.shape.length === 4;
  const nchw = shape.length === 4 && inputs.some((t) => t.nchw) && inputs.every(fits);
  const names = inputs.map((t, k) =>
    nchw && !isLayoutFree(t.shape) ? cx.nchw(t, `${node.name}/${k}`) : cx.plain(t, `${node.name}/${k}`),
  );
  return { names, nchw, shape };
}

function binary(onnxOp: string, resultType?: DType): OpConverter {
  return (node, inputs, cx) => {
    const { names, nchw, shape } = operands(cx, node, inputs);
    const [out] = cx.graph.node(onnxOp, names, {}, node.name);
    return [produced(out!, shape, resultType ?? inputs[0]!.dtype, nchw)];
  };
}

const floorDiv: OpConverter = (node, inputs, cx) => {
  const { names, nchw, shape } = operands(cx, node, inputs);
  const [a, b] = names as [string, string];
  const g = cx.graph;
  let out: string;
  if (inputs[0]!.dtype === 'int32') {
    // a - floormod(a, b) is a multiple of b, so the truncating Div is exact.
    const [mod] = g.node('Mod', [a, b], { fmod: 0 }, `${node.name}/mod`);
    const [sub] = g.node('Sub', [a, mod!], {}, `${node.name}/sub`);
    [out] = g.node('Div', [sub!, b], {}, node.name) as [string];
  } else {
    const [div] = g.node('Div', [a, b], {}, `${node.name}/div`);
    [out] = g.node('Floor', [div!], {}, node.name) as [string];
  }
  return [produced(out, shape, inputs[0]!.dtype, nchw)];
};

const floorMod: OpConverter = (node, inputs, cx) => {
  const { names, nchw, shape } = operands(cx, node, inputs);
  const [a, b] = names as [string, string];
  const g = cx.graph;
  let out: string;
  if (inputs[0]!.dtype === 'int32') [out] = g.node('Mod', [a, b], { fmod: 0 }, node.name) as [string];
  else {
    const [div] = g.node('Div', [a, b], {}, `${node.name}/div`);
    const [floor] = g.node('Floor', [div!], {}, `${node.name}/floor`);
    const [mul] = g.node('Mul', [b, floor!], {}, `${node.name}/mul`);
    [out] = g.node('Sub', [a, mul!], {}, node.name) as [string];
  }
  return [produced(out, shape, inputs[0]!.dtype, nchw)];
};

function unary(onnxOp: string): OpConverter {
  return (node, [x], cx) => {
    const input = x!.nchw ? x!.onnx : cx.plain(x!);
    const [out] = cx.graph.node(onnxOp, [input], {}, node.name);
    return [produced(out!, x!.shape, x!.dtype, x!.nchw)];
  };
}

const relu6: OpConverter = (node, [x], cx) => {
  const input = x!.nchw ? x!.onnx : cx.plain(x!);
  const g = cx.graph;
  const [out] = g.node(
    'Clip',
    [input, g.float(0, `${node.name}/min`), g.float(6, `${node.name}/max`)],
    {},
    node.name,
  );
  return [produced(out!, x!.shape, x!.dtype, x!.nchw)];
};

const ONNX_TYPE: Record<string, { dtype: DType; to: number }> = {
  DT_FLOAT: { dtype: 'float32', to: 1 },
  DT_INT32: { dtype: 'int32', to: 6 },
  DT_BOOL: { dtype: 'bool', to: 9 },
};

const cast: OpConverter = (node, [x], cx) => {
  const target = ONNX_TYPE[attrType(node, 'DstT')] ?? ONNX_TYPE['DT_FLOAT']!;
  const input = x!.nchw ? x!.onnx : cx.plain(x!);
  const [out] = cx.graph.node('Cast', [input], { to: target.to }, node.name);
  return [produced(out!, x!.shape, target.dtype, x!.nchw)];
};

const softmax: OpConverter = (node, [x], cx) => {
  // TensorFlow's Softmax is over the last axis; in NCHW that is the channel axis, 1.
  const nchw = x!.nchw;
  const [out] = cx.graph.node('Softmax', [nchw ? x!.onnx : cx.plain(x!)], { axis: nchw ? 1 : -1 }, node.name);
  return [produced(out!, x!.shape, x!.dtype, nchw)];
};

export const ELEMENTWISE_OPS: Record<string, OpConverter> = {
  Add: binary('Add'),
  AddV2: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Minimum: binary('Min'),
  Maximum: binary('Max'),
  Equal: binary('Equal', 'bool'),
  FloorDiv: floorDiv,
  FloorMod: floorMod,
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Relu6: relu6,
  Cast: cast,
  Softmax: softmax,
  // An alias: no node (a graph output gets its own Identity when the graph is finished).
  Identity: (_node, [x]) => [x!],
};

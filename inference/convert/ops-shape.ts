/**
 * Shape and indexing ops, and the dense layer. They work in TensorFlow's layout (a Reshape of an NCHW value
 * would scramble it), except Concat, which stays NCHW when all its parts are rank-4 images.
 */
import { ConvertError } from './errors.js';
import { attrBool, attrInt, attrStrings } from './attrs.js';
import { type OpConverter, produced } from './context.js';
import { fusedActivation } from './ops-conv.js';
import { planStridedSlice, resolveAxis } from './strided-slice.js';
import { NHWC_TO_NCHW, elementCount, values, type Tensor } from './tensor.js';
import type { GraphNode } from './tfjs-graph.js';

function constantValues(node: GraphNode, t: Tensor | undefined, what: string): number[] {
  if (!t?.constant)
    throw new ConvertError('UNSUPPORTED_ATTR', `${node.name} (${node.op}): ${what} must be a constant`);
  return values(t.constant);
}

const reshape: OpConverter = (node, [x, shapeTensor], cx) => {
  const target = constantValues(node, shapeTensor, 'the shape');
  const known = target.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const size = x!.shape.some((d) => d < 0) ? -1 : elementCount(x!.shape);
  const shape = target.map((d) => (d === -1 ? (size < 0 ? -1 : size / known) : d));
  const [out] = cx.graph.node(
    'Reshape',
    [cx.plain(x!), cx.graph.int64s(target, `${node.name}/shape`)],
    { allowzero: 1 },
    node.name,
  );
  return [produced(out!, shape, x!.dtype, false)];
};

const expandDims: OpConverter = (node, [x, dimTensor], cx) => {
  const rank = x!.shape.length;
  const raw = constantValues(node, dimTensor, 'the axis')[0]!;
  const axis = raw < 0 ? raw + rank + 1 : raw;
  const [out] = cx.graph.node(
    'Unsqueeze',
    [cx.plain(x!), cx.graph.int64s([axis], `${node.name}/axes`)],
    {},
    node.name,
  );
  const shape = [...x!.shape];
  shape.splice(axis, 0, 1);
  return [produced(out!, shape, x!.dtype, false)];
};

const concat: OpConverter = (node, inputs, cx) => {
  const parts = inputs.slice(0, -1);
  const rank = parts[0]!.shape.length;
  const raw = constantValues(node, inputs.at(-1), 'the axis')[0]!;
  const axis = raw < 0 ? raw + rank : raw;
  const nchw = rank === 4 && parts.some((t) => t.nchw);
  const names = parts.map((t) => (nchw ? cx.nchw(t) : cx.plain(t)));
  const [out] = cx.graph.node('Concat', names, { axis: nchw ? NHWC_TO_NCHW[axis]! : axis }, node.name);
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.some((t) => t.shape[axis]! < 0) ? -1 : parts.reduce((n, t) => n + t.shape[axis]!, 0);
  return [produced(out!, shape, parts[0]!.dtype, nchw)];
};

const stridedSlice: OpConverter = (node, [x, begin, end, step], cx) => {
  const plan = planStridedSlice(
    node.name,
    constantValues(node, begin, 'begin'),
    constantValues(node, end, 'end'),
    constantValues(node, step, 'strides'),
    {
      begin: attrInt(node, 'begin_mask', 0),
      end: attrInt(node, 'end_mask', 0),
      shrink: attrInt(node, 'shrink_axis_mask', 0),
      ellipsis: attrInt(node, 'ellipsis_mask', 0),
      newAxis: attrInt(node, 'new_axis_mask', 0),
    },
  );
  const g = cx.graph;
  let [out] = g.node(
    'Slice',
    [
      cx.plain(x!),
      g.int64s(plan.starts, `${node.name}/starts`),
      g.int64s(plan.ends, `${node.name}/ends`),
      g.int64s(plan.axes, `${node.name}/axes`),
      g.int64s(plan.steps, `${node.name}/steps`),
    ],
    {},
    node.name,
  );
  if (plan.shrink.length)
    [out] = g.node(
      'Squeeze',
      [out!, g.int64s(plan.shrink, `${node.name}/shrink`)],
      {},
      `${node.name}/squeeze`,
    );
  const sliced = x!.shape.map((length, axis) => {
    const k = plan.axes.indexOf(axis);
    if (k < 0 || length < 0) return length;
    return resolveAxis(length, plan.starts[k]!, plan.ends[k]!, plan.steps[k]!).length;
  });
  return [
    produced(
      out!,
      sliced.filter((_, axis) => !plan.shrink.includes(axis)),
      x!.dtype,
      false,
    ),
  ];
};

const gather: OpConverter = (node, [params, indices, axisTensor], cx) => {
  if (attrInt(node, 'batch_dims', 0) !== 0)
    throw new ConvertError('UNSUPPORTED_ATTR', `${node.name}: GatherV2 batch_dims`);
  const rank = params!.shape.length;
  const raw = constantValues(node, axisTensor, 'the axis')[0]!;
  const axis = raw < 0 ? raw + rank : raw;
  const [out] = cx.graph.node('Gather', [cx.plain(params!), cx.plain(indices!)], { axis }, node.name);
  const shape = [...params!.shape.slice(0, axis), ...indices!.shape, ...params!.shape.slice(axis + 1)];
  return [produced(out!, shape, params!.dtype, false)];
};

const topK: OpConverter = (node, [x, kTensor], cx) => {
  const k = constantValues(node, kTensor, 'k')[0]!;
  const g = cx.graph;
  const [top, indices64] = g.node(
    'TopK',
    [cx.plain(x!), g.int64s([k], `${node.name}/k`)],
    { axis: -1, largest: 1, sorted: attrBool(node, 'sorted', true) ? 1 : 0 },
    node.name,
    2,
  );
  // ONNX's indices are int64; TensorFlow's are int32, and the graph computes on them as such.
  const [indices] = g.node('Cast', [indices64!], { to: 6 }, `${node.name}/indices`);
  const shape = [...x!.shape.slice(0, -1), k];
  return [produced(top!, shape, x!.dtype, false), produced(indices!, shape, 'int32', false)];
};

const fusedMatMul: OpConverter = (node, [a, b, ...args], cx) => {
  const ops = attrStrings(node, 'fused_ops');
  const transA = attrBool(node, 'transpose_a') ? 1 : 0;
  const transB = attrBool(node, 'transpose_b') ? 1 : 0;
  const gemmInputs = [cx.plain(a!, `${node.name}/a`), cx.plain(b!, `${node.name}/b`)];
  if (ops[0] === 'BiasAdd') gemmInputs.push(cx.plain(args[0]!, `${node.name}/bias`));
  const [gemm] = cx.graph.node('Gemm', gemmInputs, { transA, transB }, node.name);
  const out = fusedActivation(node, cx, gemm!, args, false);
  const rows = a!.shape[transA ? 1 : 0]!;
  const cols = b!.shape[transB ? 0 : 1]!;
  return [produced(out, [rows, cols], 'float32', false)];
};

export const SHAPE_OPS: Record<string, OpConverter> = {
  Reshape: reshape,
  ExpandDims: expandDims,
  ConcatV2: concat,
  StridedSlice: stridedSlice,
  GatherV2: gather,
  TopKV2: topK,
  _FusedMatMul: fusedMatMul,
};

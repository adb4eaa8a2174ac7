/**
 * Image ops, written in NCHW: convolutions (plain, fused with bias and activation, depthwise), max pooling,
 * bilinear resize, padding and mean reduction. Filters are transposed here, at conversion, into ONNX's OIHW,
 * and a fused bias becomes the Conv's own bias input, so onnxruntime sees Conv(+bias)+activation and fuses it.
 */
import { ConvertError } from './errors.js';
import { attrBool, attrInts, attrString, attrStrings, attrFloat, requireNhwc } from './attrs.js';
import { type Context, type OpConverter, produced } from './context.js';
import type { Attr } from './onnx-graph.js';
import type { GraphNode } from './tfjs-graph.js';
import { NHWC_TO_NCHW, TO_NCHW, permuteConstant, values, type Tensor } from './tensor.js';

function requireConstant(node: GraphNode, t: Tensor | undefined, what: string) {
  if (!t?.constant)
    throw new ConvertError('UNSUPPORTED_ATTR', `${node.name} (${node.op}): ${what} must be a constant`);
  return t.constant;
}

/** Output length of a windowed op along one axis, as TensorFlow computes it. */
function windowed(length: number, kernel: number, stride: number, dilation: number, padding: string): number {
  if (length < 0) return -1;
  if (padding === 'SAME') return Math.ceil(length / stride);
  return Math.floor((length - (kernel - 1) * dilation - 1) / stride) + 1;
}

function paddingAttrs(node: GraphNode): { attrs: Record<string, Attr>; padding: string } {
  const padding = attrString(node, 'padding');
  if (padding === 'SAME') return { attrs: { auto_pad: 'SAME_UPPER' }, padding };
  if (padding === 'VALID') return { attrs: { auto_pad: 'VALID' }, padding };
  if (padding === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings');
    return { attrs: { pads: [p[2]!, p[4]!, p[3]!, p[5]!] }, padding };
  }
  throw new ConvertError('UNSUPPORTED_ATTR', `${node.name}: padding ${padding}`);
}

/** Applies `fused_ops` after a Conv or MatMul whose bias (if any) is already in. */
export function fusedActivation(
  node: GraphNode,
  cx: Context,
  value: string,
  args: Tensor[],
  nchw: boolean,
): string {
  const ops = attrStrings(node, 'fused_ops');
  const [first, ...rest] = ops;
  if (first !== undefined && first !== 'BiasAdd') {
    throw new ConvertError('UNSUPPORTED_OP', `${node.name}: fused op ${first} (only BiasAdd + activation)`);
  }
  if (rest.length > 1) throw new ConvertError('UNSUPPORTED_OP', `${node.name}: fused ops ${ops.join(', ')}`);
  const activation = rest[0];
  const hint = node.name;
  switch (activation) {
    case undefined:
      return value;
    case 'Relu':
      return cx.graph.node('Relu', [value], {}, hint)[0]!;
    case 'Relu6':
      return cx.graph.node(
        'Clip',
        [value, cx.graph.float(0, `${hint}/min`), cx.graph.float(6, `${hint}/max`)],
        {},
        hint,
      )[0]!;
    case 'Elu':
      return cx.graph.node('Elu', [value], {}, hint)[0]!;
    case 'Sigmoid':
      return cx.graph.node('Sigmoid', [value], {}, hint)[0]!;
    case 'LeakyRelu':
      return cx.graph.node(
        'LeakyRelu',
        [value],
        { alpha: { float: attrFloat(node, 'leakyrelu_alpha', 0.2) } },
        hint,
      )[0]!;
    case 'Prelu': {
      const slope = requireConstant(node, args[1], 'the PReLU slope');
      const shaped = nchw ? { ...slope, shape: [slope.data.length, 1, 1] } : slope;
      return cx.graph.node('PRelu', [value, cx.initializer(shaped, `${hint}/slope`)], {}, hint)[0]!;
    }
    default:
      throw new ConvertError('UNSUPPORTED_OP', `${node.name}: fused activation ${activation}`);
  }
}

function convolution(node: GraphNode, inputs: Tensor[], cx: Context, depthwise: boolean): Tensor[] {
  requireNhwc(node);
  const [x, filterTensor, ...args] = inputs;
  const filter = requireConstant(node, filterTensor, 'the filter');
  const [kh, kw, ci, multiplier] = filter.shape as [number, number, number, number];
  // TF depthwise filters are [H, W, C, M]: output channel c*M+m; ONNX wants [C*M, 1, H, W] with group C.
  const weights = depthwise
    ? { ...permuteConstant(filter, [2, 3, 0, 1]), shape: [ci * multiplier, 1, kh, kw] }
    : permuteConstant(filter, [3, 2, 0, 1]);
  const outChannels = depthwise ? ci * multiplier : multiplier;
  const strides = attrInts(node, 'strides', [1, 1, 1, 1]);
  const dilations = attrInts(node, 'dilations', [1, 1, 1, 1]);
  const { attrs, padding } = paddingAttrs(node);
  const convInputs = [cx.nchw(x!, node.name), cx.initializer(weights, `${node.name}/weights`)];
  const fused = node.op.startsWith('_Fused') || node.op.startsWith('Fused');
  if (fused && attrStrings(node, 'fused_ops')[0] === 'BiasAdd') {
    convInputs.push(cx.initializer(requireConstant(node, args[0], 'the bias'), `${node.name}/bias`));
  }
  const [conv] = cx.graph.node(
    'Conv',
    convInputs,
    {
      ...attrs,
      kernel_shape: [kh, kw],
      strides: [strides[1]!, strides[2]!],
      dilations: [dilations[1]!, dilations[2]!],
      group: depthwise ? ci : 1,
    },
    node.name,
  );
  const out = fused ? fusedActivation(node, cx, conv!, args, true) : conv!;
  const [n, h, w] = x!.shape as [number, number, number];
  const shape = [
    n,
    windowed(h, kh, strides[1]!, dilations[1]!, padding),
    windowed(w, kw, strides[2]!, dilations[2]!, padding),
    outChannels,
  ];
  return [produced(out, shape, 'float32', true)];
}

const maxPool: OpConverter = (node, [x], cx) => {
  requireNhwc(node);
  const ksize = attrInts(node, 'ksize');
  const strides = attrInts(node, 'strides');
  const { attrs, padding } = paddingAttrs(node);
  const [out] = cx.graph.node(
    'MaxPool',
    [cx.nchw(x!)],
    { ...attrs, kernel_shape: [ksize[1]!, ksize[2]!], strides: [strides[1]!, strides[2]!] },
    node.name,
  );
  const [n, h, w, c] = x!.shape as [number, number, number, number];
  return [
    produced(
      out!,
      [
        n,
        windowed(h, ksize[1]!, strides[1]!, 1, padding),
        windowed(w, ksize[2]!, strides[2]!, 1, padding),
        c,
      ],
      'float32',
      true,
    ),
  ];
};

const resizeBilinear: OpConverter = (node, [x, sizeTensor], cx) => {
  const size = values(requireConstant(node, sizeTensor, 'the size'));
  const mode = attrBool(node, 'align_corners')
    ? 'align_corners'
    : attrBool(node, 'half_pixel_centers')
      ? 'half_pixel'
      : 'asymmetric';
  const [out] = cx.graph.node(
    'Resize',
    [cx.nchw(x!), '', '', cx.graph.int64s(size, `${node.name}/sizes`)],
    { mode: 'linear', coordinate_transformation_mode: mode, axes: [2, 3] },
    node.name,
  );
  return [produced(out!, [x!.shape[0]!, size[0]!, size[1]!, x!.shape[3]!], 'float32', true)];
};

const pad: OpConverter = (node, [x, paddings], cx) => {
  const p = values(requireConstant(node, paddings, 'the paddings'));
  const rank = x!.shape.length;
  const asNchw = rank === 4;
  // ONNX pads are [begin of each axis..., end of each axis...] in the value's own axis order; NCHW axis k is
  // TensorFlow's axis TO_NCHW[k].
  const tfAxis = (k: number) => (asNchw ? TO_NCHW[k]! : k);
  const begins = Array.from({ length: rank }, (_, k) => p[2 * tfAxis(k)]!);
  const ends = Array.from({ length: rank }, (_, k) => p[2 * tfAxis(k) + 1]!);
  const input = asNchw ? cx.nchw(x!) : cx.plain(x!);
  const [out] = cx.graph.node(
    'Pad',
    [input, cx.graph.int64s([...begins, ...ends], `${node.name}/pads`)],
    { mode: 'constant' },
    node.name,
  );
  const shape = x!.shape.map((d, k) => (d < 0 ? -1 : d + p[2 * k]! + p[2 * k + 1]!));
  return [produced(out!, shape, x!.dtype, asNchw)];
};

const mean: OpConverter = (node, [x, axesTensor], cx) => {
  const rank = x!.shape.length;
  const axes = values(requireConstant(node, axesTensor, 'the axes')).map((a) => (a < 0 ? a + rank : a));
  const keep = attrBool(node, 'keep_dims');
  // NCHW stays NCHW when the rank stays, or when what is left reads the same in both orders ([N, C] after H, W).
  const left = [0, 1, 2, 3].filter((k) => !axes.includes(k));
  const sameOrder = left.join() === [...left].sort((a, b) => NHWC_TO_NCHW[a]! - NHWC_TO_NCHW[b]!).join();
  const useNchw = x!.nchw && rank === 4 && (keep || sameOrder);
  const input = useNchw ? x!.onnx : cx.plain(x!);
  const onnxAxes = useNchw ? axes.map((a) => NHWC_TO_NCHW[a]!) : axes;
  const [out] = cx.graph.node(
    'ReduceMean',
    [input, cx.graph.int64s(onnxAxes, `${node.name}/axes`)],
    { keepdims: keep ? 1 : 0 },
    node.name,
  );
  const shape = keep
    ? x!.shape.map((d, k) => (axes.includes(k) ? 1 : d))
    : x!.shape.filter((_, k) => !axes.includes(k));
  return [produced(out!, shape, x!.dtype, useNchw && keep)];
};

export const CONV_OPS: Record<string, OpConverter> = {
  Conv2D: (node, inputs, cx) => convolution(node, inputs, cx, false),
  _FusedConv2D: (node, inputs, cx) => convolution(node, inputs, cx, false),
  DepthwiseConv2dNative: (node, inputs, cx) => convolution(node, inputs, cx, true),
  FusedDepthwiseConv2dNative: (node, inputs, cx) => convolution(node, inputs, cx, true),
  MaxPool: maxPool,
  ResizeBilinear: resizeBilinear,
  Pad: pad,
  Mean: mean,
};

/**
 * Constant folding: a node whose inputs are all known at conversion time (shape arithmetic, axis and size
 * vectors, weights scaled by constants) is computed here and written as one initializer, so the ONNX graph
 * carries no constant subgraph for onnxruntime to work through at load.
 */
import type { GraphNode, Constant, DType } from './tfjs-graph.js';
import { broadcastShapes, elementCount, makeConstant, strides, values } from './tensor.js';
import { planStridedSlice, resolveAxis } from './strided-slice.js';
import { attrInt, attrType } from './attrs.js';

type Binary = (a: number, b: number) => number;

const BINARY: Record<string, Binary> = {
  Add: (a, b) => a + b,
  AddV2: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Minimum: (a, b) => Math.min(a, b),
  Maximum: (a, b) => Math.max(a, b),
  FloorDiv: (a, b) => Math.floor(a / b),
  FloorMod: (a, b) => a - b * Math.floor(a / b),
  Equal: (a, b) => (a === b ? 1 : 0),
};

function binary(op: string, fn: Binary, a: Constant, b: Constant): Constant {
  const shape = broadcastShapes(a.shape, b.shape);
  const n = elementCount(shape);
  const out = new Array<number>(n);
  const outStrides = strides(shape);
  const index = (c: Constant, flat: number) => {
    let at = 0;
    const own = strides(c.shape);
    const offset = shape.length - c.shape.length;
    for (let k = 0; k < c.shape.length; k++) {
      const coordinate = Math.floor(flat / outStrides[k + offset]!) % shape[k + offset]!;
      at += (c.shape[k] === 1 ? 0 : coordinate) * own[k]!;
    }
    return at;
  };
  for (let i = 0; i < n; i++) out[i] = fn(a.data[index(a, i)]!, b.data[index(b, i)]!);
  const dtype: DType = op === 'Equal' ? 'bool' : a.dtype;
  return makeConstant(dtype, shape, out);
}

function tfDtype(name: string): DType {
  return name === 'DT_INT32' ? 'int32' : name === 'DT_BOOL' ? 'bool' : 'float32';
}

function reshape(input: Constant, target: number[]): Constant {
  const known = target.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const shape = target.map((d) => (d === -1 ? elementCount(input.shape) / known : d));
  return { ...input, shape };
}

function concat(inputs: Constant[], axisValue: number): Constant {
  const rank = inputs[0]!.shape.length;
  const axis = axisValue < 0 ? axisValue + rank : axisValue;
  const outer = elementCount(inputs[0]!.shape.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const input of inputs) {
      const inner = elementCount(input.shape.slice(axis));
      for (let i = 0; i < inner; i++) out.push(input.data[o * inner + i]!);
    }
  }
  const shape = [...inputs[0]!.shape];
  shape[axis] = inputs.reduce((n, c) => n + c.shape[axis]!, 0);
  return makeConstant(inputs[0]!.dtype, shape, out);
}

function stridedSlice(
  node: GraphNode,
  input: Constant,
  begin: Constant,
  end: Constant,
  step: Constant,
): Constant {
  const plan = planStridedSlice(node.name, values(begin), values(end), values(step), {
    begin: attrInt(node, 'begin_mask', 0),
    end: attrInt(node, 'end_mask', 0),
    shrink: attrInt(node, 'shrink_axis_mask', 0),
    ellipsis: attrInt(node, 'ellipsis_mask', 0),
    newAxis: attrInt(node, 'new_axis_mask', 0),
  });
  const picks = input.shape.map((length, axis) => {
    const k = plan.axes.indexOf(axis);
    return k < 0
      ? Array.from({ length }, (_, i) => i)
      : resolveAxis(length, plan.starts[k]!, plan.ends[k]!, plan.steps[k]!);
  });
  const inStrides = strides(input.shape);
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === picks.length) {
      out.push(input.data[offset]!);
      return;
    }
    for (const i of picks[axis]!) walk(axis + 1, offset + i * inStrides[axis]!);
  };
  walk(0, 0);
  const shape = picks.map((p) => p.length).filter((_, axis) => !plan.shrink.includes(axis));
  return makeConstant(input.dtype, shape, out);
}

/** The folded outputs, or undefined when this op is not folded (it then becomes an ONNX node). */
export function foldConstant(node: GraphNode, inputs: Constant[]): Constant[] | undefined {
  const [a, b] = inputs;
  const fn = BINARY[node.op];
  if (fn && a && b) return [binary(node.op, fn, a, b)];
  switch (node.op) {
    case 'Identity':
      return [a!];
    case 'Cast': {
      const dtype = tfDtype(attrType(node, 'DstT'));
      return [makeConstant(dtype, a!.shape, dtype === 'int32' ? Array.from(a!.data, Math.trunc) : a!.data)];
    }
    case 'Reshape':
      return [reshape(a!, values(b!))];
    case 'ExpandDims': {
      const dim = values(b!)[0]!;
      const shape = [...a!.shape];
      shape.splice(dim < 0 ? dim + shape.length + 1 : dim, 0, 1);
      return [{ ...a!, shape }];
    }
    case 'ConcatV2':
      return [concat(inputs.slice(0, -1), values(inputs.at(-1)!)[0]!)];
    case 'StridedSlice':
      return [stridedSlice(node, a!, b!, inputs[2]!, inputs[3]!)];
    default:
      return undefined;
  }
}

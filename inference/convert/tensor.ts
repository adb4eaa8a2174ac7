/**
 * What the converter knows about each TensorFlow tensor while it writes the ONNX graph: its ONNX value, its
 * TensorFlow (NHWC) shape, its dtype, whether the ONNX value holds it in NCHW order, and its data when it is
 * known at conversion time (weights, and whatever is computed from weights alone).
 */
import type { Constant, DType } from './tfjs-graph.js';

export interface Tensor {
  /** The ONNX value's name; empty for a constant not yet written to the model. */
  onnx: string;
  /** TensorFlow's shape (NHWC for images); -1 where only the run time knows. */
  shape: number[];
  dtype: DType;
  /** The ONNX value is this rank-4 tensor transposed to NCHW (the layout ONNX's Conv and friends take). */
  nchw: boolean;
  constant?: Constant;
}

/** NHWC axis k is NCHW axis NHWC_TO_NCHW[k]. */
export const NHWC_TO_NCHW = [0, 2, 3, 1] as const;
/** Transpose perm from NHWC to NCHW, and back. */
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

export const elementCount = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

export function constantTensor(constant: Constant): Tensor {
  return { onnx: '', shape: constant.shape, dtype: constant.dtype, nchw: false, constant };
}

/** The constant's values as plain numbers (for shapes, axes and other small integer inputs). */
export const values = (constant: Constant): number[] => Array.from(constant.data, Number);

export function makeConstant(dtype: DType, shape: number[], numbers: ArrayLike<number>): Constant {
  const data =
    dtype === 'float32'
      ? Float32Array.from(numbers)
      : dtype === 'int32'
        ? Int32Array.from(numbers)
        : Uint8Array.from(numbers);
  return { dtype, shape, data };
}

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) out[k] = out[k + 1]! * shape[k + 1]!;
  return out;
}

/** The constant with its axes permuted (out axis k is in axis perm[k]), data moved accordingly. */
export function permuteConstant(constant: Constant, perm: readonly number[]): Constant {
  const inShape = constant.shape;
  const outShape = perm.map((p) => inShape[p]!);
  const inStrides = strides(inShape);
  const outStrides = strides(outShape);
  const n = elementCount(outShape);
  const src = constant.data;
  const dst = new (src.constructor as new (n: number) => typeof src)(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let from = 0;
    for (let k = 0; k < outShape.length; k++) {
      const coordinate = Math.floor(rest / outStrides[k]!);
      rest -= coordinate * outStrides[k]!;
      from += coordinate * inStrides[perm[k]!]!;
    }
    dst[i] = src[from]!;
  }
  return { dtype: constant.dtype, shape: outShape, data: dst };
}

/** NumPy broadcasting of two shapes (unknown dims stay unknown unless the other side fixes them). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : x === -1 ? y : x);
  }
  return out;
}

/** A tensor whose every dimension is 1 reads the same in any layout. */
export const isLayoutFree = (shape: readonly number[]) => shape.every((d) => d === 1);

/**
 * TensorFlow's StridedSlice, reduced to ONNX's Slice (starts, ends, axes, steps) followed by a Squeeze of the
 * shrunk axes. The masks are bit sets over the spec's positions; ellipsis and new axes are not used by the
 * graphs Vigil converts, so they are refused rather than guessed.
 */
import { ConvertError } from './errors.js';

/** ONNX Slice clamps, so "to the end" is the largest int64 the model can hold; int32's is enough here. */
export const SLICE_END = 2 ** 31 - 1;
export const SLICE_START_REVERSED = -(2 ** 31);

export interface StridedSliceMasks {
  begin: number;
  end: number;
  shrink: number;
  ellipsis: number;
  newAxis: number;
}

export interface SlicePlan {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
  /** Axes to squeeze after slicing. */
  shrink: number[];
}

export function planStridedSlice(
  node: string,
  begin: readonly number[],
  end: readonly number[],
  step: readonly number[],
  masks: StridedSliceMasks,
): SlicePlan {
  if (masks.ellipsis || masks.newAxis) {
    throw new ConvertError('UNSUPPORTED_ATTR', `${node}: StridedSlice with ellipsis_mask or new_axis_mask`);
  }
  const plan: SlicePlan = { starts: [], ends: [], axes: [], steps: [], shrink: [] };
  for (let axis = 0; axis < begin.length; axis++) {
    const bit = 1 << axis;
    const stride = step[axis] ?? 1;
    if (stride === 0) throw new ConvertError('UNSUPPORTED_ATTR', `${node}: StridedSlice with a zero stride`);
    let from = begin[axis]!;
    let to = end[axis]!;
    if (masks.shrink & bit) {
      // One element, then the axis goes away; -1 means the last, so its end is "to the end".
      to = from === -1 ? SLICE_END : from + 1;
      plan.shrink.push(axis);
    } else {
      if (masks.begin & bit) from = stride > 0 ? 0 : SLICE_END;
      if (masks.end & bit) to = stride > 0 ? SLICE_END : SLICE_START_REVERSED;
    }
    plan.starts.push(from);
    plan.ends.push(to);
    plan.axes.push(axis);
    plan.steps.push(masks.shrink & bit ? 1 : stride);
  }
  return plan;
}

/** Resolves one axis of a plan against a known length, as ONNX Slice does (clamped, Python-style negatives). */
export function resolveAxis(length: number, start: number, end: number, step: number): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const norm = (v: number) => (v < 0 ? v + length : v);
  const indices: number[] = [];
  if (step > 0) {
    const s = clamp(norm(start), 0, length);
    const e = clamp(norm(end), 0, length);
    for (let i = s; i < e; i += step) indices.push(i);
  } else {
    const s = clamp(norm(start), -1, length - 1);
    const e = clamp(norm(end), -1, length - 1);
    for (let i = s; i > e; i += step) indices.push(i);
  }
  return indices;
}

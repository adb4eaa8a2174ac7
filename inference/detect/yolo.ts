/**
 * Decoding a YOLOv8/YOLO11-style head: one output [1, 4 + C, N], channels first — for each of the N anchors its
 * box centre and size (cx, cy, w, h in model-input pixels), then one score per class (already sigmoid-ed in
 * the exported graphs; no objectness column). Each anchor keeps its best wanted class; NMS per label after.
 */
import { fromModelInput, type Placement } from '../image/rgb.js';
import { suppress, type Detection } from './boxes.js';
import type { ObjectOptions } from './objects.js';

/** An output tensor as onnxruntime returns it. */
export interface RawTensor {
  data: Float32Array;
  dims: readonly number[];
}

export function decodeYolo(
  output: RawTensor,
  labels: readonly string[],
  placement: Placement,
  options: ObjectOptions,
): Detection[] {
  const [, channels = 0, anchors = 0] = output.dims;
  const classes = channels - 4;
  if (output.dims.length !== 3 || classes !== labels.length) {
    throw new Error(`YOLO output [${output.dims.join(', ')}] does not fit [1, ${4 + labels.length}, N]`);
  }
  const wanted = labels.map((label) => !options.labels || options.labels.includes(label));
  const floor = labels.map((label) => options.minScore?.[label] ?? options.defaultScore);
  const { data } = output;
  const found: Detection[] = [];
  for (let n = 0; n < anchors; n++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      if (!wanted[c]) continue;
      const score = data[(4 + c) * anchors + n]!;
      if (score >= floor[c]! && score > bestScore) [best, bestScore] = [c, score];
    }
    if (best < 0) continue;
    const cx = data[n]!;
    const cy = data[anchors + n]!;
    const w = data[2 * anchors + n]!;
    const h = data[3 * anchors + n]!;
    const box = fromModelInput({ x: cx - w / 2, y: cy - h / 2, width: w, height: h }, placement);
    if (box.width > 0 && box.height > 0) found.push({ label: labels[best]!, score: bestScore, box });
  }
  return suppress(found, 0.5);
}

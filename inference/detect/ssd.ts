/**
 * Decoding SSD-style outputs: boxes [1, N, 4] as corners (x0, y0, x1, y1, or TensorFlow's y0, x0, y1, x1),
 * with scores either [1, N] beside a classes [1, N] output (already decoded, as TensorFlow's post-processed
 * exports give them) or [1, N, C], one per label. Corners are normalised (0–1) or in model-input pixels: a
 * frame whose corners all lie within ±1.5 is read as normalised, since no real box is 1.5 px across.
 */
import { fromModelInput, type Placement } from '../image/rgb.js';
import { suppress, type Detection } from './boxes.js';
import type { ObjectOptions } from './objects.js';
import type { RawTensor } from './yolo.js';

export interface SsdOutputs {
  boxes: RawTensor;
  scores: RawTensor;
  /** Class indices into the labels, when scores are [1, N]; absent with one label. */
  classes: RawTensor | null;
  boxOrder: 'xyxy' | 'yxyx';
}

const NORMALISED_LIMIT = 1.5;

export function decodeSsd(
  outputs: SsdOutputs,
  labels: readonly string[],
  placement: Placement,
  options: ObjectOptions,
): Detection[] {
  const { boxes, scores, classes, boxOrder } = outputs;
  const count = boxes.dims[1] ?? 0;
  if (boxes.dims.length !== 3 || boxes.dims[2] !== 4) {
    throw new Error(`SSD boxes [${boxes.dims.join(', ')}] do not fit [1, N, 4]`);
  }
  const perLabel = scores.dims.length === 3;
  const columns = perLabel ? (scores.dims[2] ?? 0) : 1;
  if (scores.dims[1] !== count || (perLabel && columns !== labels.length)) {
    throw new Error(`SSD scores [${scores.dims.join(', ')}] do not fit [1, ${count}] or [1, ${count}, C]`);
  }
  // Per class index, once per frame: the loops below ask for every anchor × class.
  const wanted = labels.map((label) => !options.labels || options.labels.includes(label));
  const floor = labels.map((label) => options.minScore?.[label] ?? options.defaultScore);
  const keep = (c: number, score: number) => wanted[c] === true && score >= (floor[c] ?? Infinity);
  const corners = boxes.data;
  let normalised = true;
  for (let i = 0; i < count * 4; i++) {
    if (Math.abs(corners[i]!) > NORMALISED_LIMIT) {
      normalised = false;
      break;
    }
  }
  const unit = normalised ? placement.size : 1;
  const found: Detection[] = [];
  for (let n = 0; n < count; n++) {
    let best = -1;
    let score = -Infinity;
    if (perLabel) {
      for (let c = 0; c < columns; c++) {
        const value = scores.data[n * columns + c]!;
        if (value > score && keep(c, value)) [best, score] = [c, value];
      }
    } else {
      score = scores.data[n]!;
      best = classes ? Math.round(classes.data[n]!) : 0;
    }
    const label = labels[best];
    if (label === undefined || !keep(best, score)) continue;
    const o = n * 4;
    const [a, b, c, d] = [corners[o]!, corners[o + 1]!, corners[o + 2]!, corners[o + 3]!];
    const [x0, y0, x1, y1] = boxOrder === 'xyxy' ? [a, b, c, d] : [b, a, d, c];
    const box = fromModelInput(
      { x: x0 * unit, y: y0 * unit, width: (x1 - x0) * unit, height: (y1 - y0) * unit },
      placement,
    );
    if (box.width > 0 && box.height > 0) found.push({ label, score, box });
  }
  return suppress(found, 0.5);
}

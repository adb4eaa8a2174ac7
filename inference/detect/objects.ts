/**
 * Object detection with the shipped CenterNet: the graph decodes its own heat map into its top 100 boxes
 * (`[1, 100, 6]`: x0, y0, x1, y1 in input pixels, score, class); this maps them back to the picture, applies
 * the per-label thresholds and suppresses duplicates.
 */
import { fromModelInput, type Rect, type RgbImage } from '../image/rgb.js';
import { runOnRegion, type LoadedModel } from '../models/session.js';
import { suppress, type Detection } from './boxes.js';

export interface ObjectOptions {
  /** Minimum score per label; labels not listed use `defaultScore`. */
  minScore?: Readonly<Record<string, number>>;
  defaultScore: number;
  /** Only these labels (all when absent). */
  labels?: readonly string[];
}

export const CENTERNET_OUTPUT = 'tower_0/detections';

export async function detectObjects(
  model: LoadedModel,
  image: RgbImage,
  options: ObjectOptions,
  region: Rect = { x: 0, y: 0, width: image.width, height: image.height },
  input?: Float32Array<ArrayBuffer>,
): Promise<Detection[]> {
  const { outputs, placement } = await runOnRegion(model, image, region, input);
  const rows = outputs[CENTERNET_OUTPUT]!.data as Float32Array;
  const labels = model.manifest.labels;
  const found: Detection[] = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    const score = rows[i + 4]!;
    const label = labels[Math.round(rows[i + 5]!)];
    if (!label || (options.labels && !options.labels.includes(label))) continue;
    if (score < (options.minScore?.[label] ?? options.defaultScore)) continue;
    const [x0, y0, x1, y1] = [rows[i]!, rows[i + 1]!, rows[i + 2]!, rows[i + 3]!];
    const box = fromModelInput({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, placement);
    if (box.width > 0 && box.height > 0) found.push({ label, score, box });
  }
  return suppress(found, 0.5);
}

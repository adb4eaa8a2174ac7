/**
 * Face detection with the shipped BlazeFace (256 px): two heads of anchors — a 16 × 16 grid with 2 anchors per
 * cell (stride 16) and an 8 × 8 grid with 6 (stride 32) — each with a score logit and 16 regressors: the box
 * centre offset and size, then six landmarks, in input pixels relative to the anchor's centre.
 */
import { fromModelInput, type Rect, type RgbImage } from '../image/rgb.js';
import { runOnRegion, type LoadedModel } from '../models/session.js';
import { suppress, type Detection } from './boxes.js';

const HEADS = [
  { stride: 16, perCell: 2 },
  { stride: 32, perCell: 6 },
] as const;

/** Anchor centres in input pixels, in the order of the heads' rows. */
export function blazefaceAnchors(size: number): { stride: number; x: number; y: number }[][] {
  return HEADS.map(({ stride, perCell }) => {
    const cells = Math.ceil(size / stride);
    const anchors: { stride: number; x: number; y: number }[] = [];
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let k = 0; k < perCell; k++)
          anchors.push({ stride, x: (x + 0.5) * stride, y: (y + 0.5) * stride });
      }
    }
    return anchors;
  });
}

export interface Face extends Detection {
  /** Eyes, nose, mouth, ears, in picture pixels. */
  landmarks: { x: number; y: number }[];
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export async function detectFaces(
  model: LoadedModel,
  image: RgbImage,
  minScore: number,
  region: Rect = { x: 0, y: 0, width: image.width, height: image.height },
): Promise<Face[]> {
  const { outputs, placement } = await runOnRegion(model, image, region);
  const anchors = blazefaceAnchors(model.manifest.input.size);
  const byShape = (rows: number, width: number) =>
    Object.values(outputs).find((t) => t.dims[1] === rows && t.dims[2] === width)!.data as Float32Array;
  const faces: Face[] = [];
  for (const head of anchors) {
    const scores = byShape(head.length, 1);
    const regressors = byShape(head.length, 16);
    for (let i = 0; i < head.length; i++) {
      const score = sigmoid(scores[i]!);
      if (score < minScore) continue;
      const anchor = head[i]!;
      const r = regressors.subarray(i * 16, i * 16 + 16);
      const cx = anchor.x + r[0]!;
      const cy = anchor.y + r[1]!;
      const box = fromModelInput(
        { x: cx - r[2]! / 2, y: cy - r[3]! / 2, width: r[2]!, height: r[3]! },
        placement,
      );
      const landmarks = Array.from({ length: 6 }, (_, k) => {
        const p = fromModelInput(
          { x: anchor.x + r[4 + 2 * k]!, y: anchor.y + r[5 + 2 * k]!, width: 0, height: 0 },
          placement,
        );
        return { x: p.x, y: p.y };
      });
      if (box.width > 0 && box.height > 0) faces.push({ label: 'face', score, box, landmarks });
    }
  }
  return suppress(faces, 0.3, 20);
}

/** Detections as every model's decoder returns them, IoU and greedy non-maximum suppression. */
import type { Rect } from '../image/rgb.js';

export interface Detection {
  label: string;
  score: number;
  /** In pixels of the analysed picture. */
  box: Rect;
}

export function iou(a: Rect, b: Rect): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Keeps the best of each group of same-label boxes overlapping more than `threshold`, best first. */
export function suppress<T extends Detection>(detections: readonly T[], threshold = 0.5, limit = 100): T[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= limit) break;
    if (kept.every((k) => k.label !== candidate.label || iou(k.box, candidate.box) <= threshold))
      kept.push(candidate);
  }
  return kept;
}

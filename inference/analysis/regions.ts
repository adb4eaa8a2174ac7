/**
 * Where to run the object detector on a frame with motion: one square around every moving region and every
 * moving track, widened so a person whose arm moved is seen whole, at least half the picture's height (the
 * model sees objects best when they are not blown up), clipped to the picture; the whole picture when that
 * square would cover most of it anyway.
 */
import type { Rect } from '../image/rgb.js';

const GROW = 1.25;
const WHOLE_FRAME_SHARE = 0.6;

export function detectionRegion(boxes: readonly Rect[], width: number, height: number): Rect {
  const whole = { x: 0, y: 0, width, height };
  if (boxes.length === 0) return whole;
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  const side = Math.min(Math.max((x1 - x0) * GROW, (y1 - y0) * GROW, height / 2), width, height);
  if ((side * side) / (width * height) >= WHOLE_FRAME_SHARE) return whole;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const x = Math.min(Math.max(cx - side / 2, 0), width - side);
  const y = Math.min(Math.max(cy - side / 2, 0), height - side);
  return { x, y, width: side, height: side };
}

export function normalise(box: Rect, width: number, height: number): Rect {
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    x: round(box.x / width),
    y: round(box.y / height),
    width: round(box.width / width),
    height: round(box.height / height),
  };
}

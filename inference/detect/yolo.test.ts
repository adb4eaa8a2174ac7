import { describe, expect, it } from 'vitest';
import type { Placement } from '../image/rgb.js';
import { decodeYolo } from './yolo.js';

/** The whole 640 × 640 picture is the model input: boxes come back unchanged. */
const identity: Placement = {
  region: { x: 0, y: 0, width: 640, height: 640 },
  scale: 1,
  offsetX: 0,
  offsetY: 0,
  size: 640,
};

/** A [1, 4 + C, N] tensor from per-anchor rows (cx, cy, w, h, scores…), laid out channels first. */
function head(rows: number[][]): { data: Float32Array; dims: number[] } {
  const channels = rows[0]!.length;
  const data = new Float32Array(channels * rows.length);
  rows.forEach((row, n) => row.forEach((value, c) => (data[c * rows.length + n] = value)));
  return { data, dims: [1, channels, rows.length] };
}

const labels = ['person', 'car'];
const rows = [
  [100, 100, 50, 80, 0.9, 0.1],
  // The same person a little to the right, less sure: suppressed.
  [102, 100, 50, 80, 0.8, 0.05],
  [300, 300, 40, 40, 0.2, 0.7],
  // Nothing here.
  [500, 500, 10, 10, 0.01, 0.02],
];

describe('YOLO decoder', () => {
  it('reads centre and size per anchor, keeps the best class, and suppresses duplicates', () => {
    const found = decodeYolo(head(rows), labels, identity, { defaultScore: 0.3 });
    expect(found).toEqual([
      { label: 'person', score: expect.closeTo(0.9, 5), box: { x: 75, y: 60, width: 50, height: 80 } },
      { label: 'car', score: expect.closeTo(0.7, 5), box: { x: 280, y: 280, width: 40, height: 40 } },
    ]);
  });

  it('applies per-label thresholds and the wanted labels', () => {
    const strictCars = decodeYolo(head(rows), labels, identity, {
      defaultScore: 0.3,
      minScore: { car: 0.75 },
    });
    expect(strictCars.map((d) => d.label)).toEqual(['person']);
    const carsOnly = decodeYolo(head(rows), labels, identity, { defaultScore: 0.3, labels: ['car'] });
    expect(carsOnly.map((d) => d.label)).toEqual(['car']);
  });

  it('maps boxes back through the letterbox', () => {
    // A 1280 × 960 picture letterboxed into 640: scale 0.5, 80 px bars above and below.
    const letterbox: Placement = {
      region: { x: 0, y: 0, width: 1280, height: 960 },
      scale: 0.5,
      offsetX: 0,
      offsetY: 80,
      size: 640,
    };
    const [person] = decodeYolo(head([[100, 200, 50, 80, 0.9, 0.1]]), labels, letterbox, {
      defaultScore: 0.3,
    });
    // Input x 75–125, y 160–240: picture x (75 − 0) / 0.5 = 150, y (160 − 80) / 0.5 = 160.
    expect(person!.box).toEqual({ x: 150, y: 160, width: 100, height: 160 });
  });

  it('refuses a tensor that does not fit the labels', () => {
    expect(() => decodeYolo(head(rows), ['person'], identity, { defaultScore: 0.3 })).toThrow(
      /does not fit \[1, 5, N\]/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { Placement } from '../image/rgb.js';
import { decodeSsd } from './ssd.js';

const identity: Placement = {
  region: { x: 0, y: 0, width: 300, height: 300 },
  scale: 1,
  offsetX: 0,
  offsetY: 0,
  size: 300,
};
const tensor = (values: number[], dims: number[]) => ({ data: Float32Array.from(values), dims });
const labels = ['background', 'person', 'dog'];
/** Normalised float32 corners times the input size are a few ulps off whole pixels. */
const rounded = (found: ReturnType<typeof decodeSsd>) =>
  found.map((d) => ({
    ...d,
    box: {
      x: Math.round(d.box.x),
      y: Math.round(d.box.y),
      width: Math.round(d.box.width),
      height: Math.round(d.box.height),
    },
  }));

describe('SSD decoder', () => {
  it('reads normalised corners with a score per label', () => {
    const boxes = tensor([0.1, 0.2, 0.3, 0.6, 0.5, 0.5, 0.9, 0.8, 0, 0, 1, 1], [1, 3, 4]);
    const scores = tensor([0.05, 0.9, 0.05, 0.1, 0.2, 0.7, 0.9, 0.05, 0.05], [1, 3, 3]);
    const found = decodeSsd({ boxes, scores, classes: null, boxOrder: 'xyxy' }, labels, identity, {
      defaultScore: 0.5,
      labels: ['person', 'dog'],
    });
    expect(rounded(found)).toEqual([
      { label: 'person', score: expect.closeTo(0.9, 5), box: { x: 30, y: 60, width: 60, height: 120 } },
      { label: 'dog', score: expect.closeTo(0.7, 5), box: { x: 150, y: 150, width: 120, height: 90 } },
    ]);
  });

  it('reads pixel corners in TensorFlow order with a classes output', () => {
    // y0, x0, y1, x1 in input pixels; classes index the labels.
    const boxes = tensor([60, 30, 180, 90, 10, 10, 20, 20], [1, 2, 4]);
    const scores = tensor([0.8, 0.4], [1, 2]);
    const classes = tensor([2, 1], [1, 2]);
    const found = decodeSsd({ boxes, scores, classes, boxOrder: 'yxyx' }, labels, identity, {
      defaultScore: 0.5,
    });
    expect(found).toEqual([
      { label: 'dog', score: expect.closeTo(0.8, 5), box: { x: 30, y: 60, width: 60, height: 120 } },
    ]);
  });

  it('gives the one label to scores without classes, and drops empty boxes', () => {
    const boxes = tensor([0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 0.5, 0.9], [1, 2, 4]);
    const scores = tensor([0.6, 0.9], [1, 2]);
    const found = decodeSsd({ boxes, scores, classes: null, boxOrder: 'xyxy' }, ['face'], identity, {
      defaultScore: 0.5,
    });
    expect(rounded(found).map((d) => [d.label, d.box.width])).toEqual([['face', 30]]);
  });

  it('refuses scores that do not fit the boxes or the labels', () => {
    const boxes = tensor([0, 0, 1, 1], [1, 1, 4]);
    expect(() =>
      decodeSsd(
        { boxes, scores: tensor([0.5, 0.5], [1, 1, 2]), classes: null, boxOrder: 'xyxy' },
        labels,
        identity,
        { defaultScore: 0.5 },
      ),
    ).toThrow(/do not fit/);
  });
});

import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/rgb.js';
import { MotionDetector } from './motion-detector.js';

const W = 640;
const H = 360;

/** A grey scene with a little texture, and optionally a dark square at (x, y). */
function frame(level: number, square?: { x: number; y: number; size: number }): RgbImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const texture = ((x * 13 + y * 7) % 17) - 8;
      let v = level + texture;
      if (
        square &&
        x >= square.x &&
        x < square.x + square.size &&
        y >= square.y &&
        y < square.y + square.size
      )
        v = 20;
      const p = (y * W + x) * 3;
      data[p] = data[p + 1] = data[p + 2] = Math.max(0, Math.min(255, v));
    }
  }
  return { width: W, height: H, data };
}

const settle = (detector: MotionDetector, level = 128) => {
  for (let i = 0; i < 5; i++) detector.detect(frame(level));
};

describe('MotionDetector', () => {
  it('finds a moving square where it is, frame after frame', () => {
    const detector = new MotionDetector();
    settle(detector);
    for (let step = 0; step < 8; step++) {
      const square = { x: 100 + step * 40, y: 150, size: 60 };
      const { boxes, globalChange } = detector.detect(frame(128, square));
      expect(globalChange).toBe(false);
      expect(boxes.length).toBeGreaterThanOrEqual(1);
      // The biggest region covers the square (the old position may still show as it fades from the background).
      const covering = boxes.find(
        (b) =>
          b.x <= square.x + 6 &&
          b.x + b.width >= square.x + square.size - 6 &&
          b.y <= square.y + 6 &&
          b.y + b.height >= square.y + square.size - 6,
      );
      expect(covering, `step ${step}: ${JSON.stringify(boxes)}`).toBeDefined();
      expect(covering!.width).toBeLessThan(square.size * 3);
    }
  });

  it('sees no motion in a still scene', () => {
    const detector = new MotionDetector();
    settle(detector);
    for (let i = 0; i < 10; i++) expect(detector.detect(frame(128)).boxes).toEqual([]);
  });

  it('ignores a global brightness step (lights on, a cloud)', () => {
    const detector = new MotionDetector();
    settle(detector);
    for (const level of [168, 168, 168, 90, 90]) {
      const result = detector.detect(frame(level));
      expect(result.boxes, `level ${level}`).toEqual([]);
    }
  });

  it('sees a large dark thing arriving as motion where it is, not as a change of the lighting', () => {
    // A person close to the camera: a quarter of the picture, much darker than the room. Its own darkness
    // must not be taken for the room getting darker (a mean over the picture would be; the median is not).
    const detector = new MotionDetector();
    settle(detector);
    const square = { x: 240, y: 60, size: 240 };
    const result = detector.detect(frame(128, square));
    expect(result.globalChange).toBe(false);
    expect(result.boxes).toHaveLength(1);
    const [box] = result.boxes;
    expect(box!.x).toBeGreaterThanOrEqual(square.x - 12);
    expect(box!.x + box!.width).toBeLessThanOrEqual(square.x + square.size + 12);
    expect(result.area).toBeLessThan(0.35);
  });

  it('resets on a change of the whole picture (IR switching) instead of reporting motion', () => {
    const detector = new MotionDetector();
    settle(detector);
    const inverted = frame(128);
    for (let i = 0; i < inverted.data.length; i++)
      inverted.data[i] = 255 - inverted.data[i]! * (i % 2 ? 1 : 0.2);
    const result = detector.detect(inverted);
    expect(result.boxes).toEqual([]);
    expect(detector.detect(inverted).boxes).toEqual([]);
  });

  it('gives no motion inside a mask, and still sees it outside', () => {
    const mask = [
      { x: 0, y: 0 },
      { x: 0.5, y: 0 },
      { x: 0.5, y: 1 },
      { x: 0, y: 1 },
    ];
    const detector = new MotionDetector({ masks: [mask] });
    settle(detector);
    expect(detector.detect(frame(128, { x: 60, y: 100, size: 80 })).boxes).toEqual([]);
    const outside = detector.detect(frame(128, { x: 420, y: 100, size: 80 })).boxes;
    expect(outside.some((b) => b.x >= 400)).toBe(true);
  });

  it('is less sensitive at a lower setting', () => {
    const faint = (detector: MotionDetector) => {
      settle(detector);
      const picture = frame(128);
      for (let y = 150; y < 210; y++)
        for (let x = 300; x < 360; x++)
          for (let k = 0; k < 3; k++) picture.data[(y * W + x) * 3 + k] = 128 + 18;
      return detector.detect(picture).boxes.length;
    };
    expect(faint(new MotionDetector({ sensitivity: 90 }))).toBeGreaterThan(0);
    expect(faint(new MotionDetector({ sensitivity: 20 }))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { fitWithin, shrinkRegion } from './resize.js';
import type { RgbImage } from './rgb.js';

/** A picture whose left half is black and right half white, with a red top-left pixel. */
function halves(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.fill(x < width / 2 ? 0 : 255, (y * width + x) * 3, (y * width + x + 1) * 3);
  data[0] = 255;
  return { width, height, data };
}

describe('shrinkRegion', () => {
  it('averages every pixel under an output pixel', () => {
    const picture = halves(4, 2);
    const one = shrinkRegion(picture, { x: 0, y: 0, width: 4, height: 2 }, 1, 1);
    // 8 pixels: 4 white, 4 black, and one black pixel's red channel set.
    expect(Array.from(one.data)).toEqual([
      Math.round((255 * 5) / 8),
      Math.round((255 * 4) / 8),
      Math.round((255 * 4) / 8),
    ]);
    const two = shrinkRegion(picture, { x: 0, y: 0, width: 4, height: 2 }, 2, 1);
    expect(Array.from(two.data.subarray(3))).toEqual([255, 255, 255]);
    expect(two.data[1]).toBe(0);
  });

  it('takes only the region, clipped to the picture, and never averages nothing', () => {
    const picture = halves(8, 8);
    const right = shrinkRegion(picture, { x: 4, y: 0, width: 8, height: 8 }, 2, 2);
    expect(Array.from(right.data)).toEqual(new Array(12).fill(255));
    const enlarged = shrinkRegion(picture, { x: 6, y: 6, width: 2, height: 2 }, 4, 4);
    expect(enlarged.data.every((v) => v === 255)).toBe(true);
  });
});

describe('fitWithin', () => {
  it('keeps small pictures and shrinks large ones to the longer side, keeping the aspect', () => {
    const small = halves(10, 5);
    expect(fitWithin(small, 10)).toBe(small);
    const fitted = fitWithin(halves(4000, 3000), 1000);
    expect([fitted.width, fitted.height]).toEqual([1000, 750]);
    expect(fitted.data[(100 * 1000 + 900) * 3]).toBe(255);
    expect(fitted.data[(100 * 1000 + 100) * 3]).toBe(0);
  });
});

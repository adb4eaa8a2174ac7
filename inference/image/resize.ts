/**
 * Shrinking a region of a picture by averaging every source pixel under each output pixel (a box filter).
 * Bilinear sampling, as the models' letterbox uses, skips most pixels when shrinking a 4000 px photo to a few
 * hundred and aliases; averaging keeps faces recognisable. Never enlarges: asked for more pixels than the
 * region has, each output pixel still averages at least one source pixel.
 */
import type { Rect, RgbImage } from './rgb.js';

export function shrinkRegion(image: RgbImage, region: Rect, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const x0 = Math.max(0, region.x);
  const y0 = Math.max(0, region.y);
  const stepX = Math.min(region.width, image.width - x0) / width;
  const stepY = Math.min(region.height, image.height - y0) / height;
  for (let y = 0; y < height; y++) {
    const top = Math.min(Math.floor(y0 + y * stepY), image.height - 1);
    const bottom = Math.min(Math.max(Math.floor(y0 + (y + 1) * stepY), top + 1), image.height);
    for (let x = 0; x < width; x++) {
      const left = Math.min(Math.floor(x0 + x * stepX), image.width - 1);
      const right = Math.min(Math.max(Math.floor(x0 + (x + 1) * stepX), left + 1), image.width);
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let sy = top; sy < bottom; sy++) {
        let p = (sy * image.width + left) * 3;
        for (let sx = left; sx < right; sx++, p += 3) {
          red += image.data[p]!;
          green += image.data[p + 1]!;
          blue += image.data[p + 2]!;
        }
      }
      const count = (bottom - top) * (right - left);
      const o = (y * width + x) * 3;
      out[o] = Math.round(red / count);
      out[o + 1] = Math.round(green / count);
      out[o + 2] = Math.round(blue / count);
    }
  }
  return { width, height, data: out };
}

/** The picture at most `maxSide` pixels on its longer side (itself when it already is). */
export function fitWithin(image: RgbImage, maxSide: number): RgbImage {
  const longer = Math.max(image.width, image.height);
  if (longer <= maxSide) return image;
  const scale = maxSide / longer;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return shrinkRegion(image, { x: 0, y: 0, width: image.width, height: image.height }, width, height);
}

/**
 * Packed 8-bit RGB pictures and the few operations detection needs on them: crop-and-resize into a model's
 * square input (letterboxed, so nothing is stretched) as NHWC floats with the model's scaling, and back from
 * the model's coordinates to the picture's.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row by row. */
  data: Uint8Array;
}

/** A rectangle in pixels of some picture. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How a region of the picture was placed in the model's square input. */
export interface Placement {
  region: Rect;
  /** Input pixels per picture pixel. */
  scale: number;
  /** Where the region's top-left corner landed in the input (the letterbox margins). */
  offsetX: number;
  offsetY: number;
  size: number;
}

/**
 * Bilinear crop + letterbox of `region` into a size × size NHWC float tensor: value = pixel * scale + offset;
 * the margins hold the value of a black pixel.
 */
export function toModelInput(
  image: RgbImage,
  region: Rect,
  size: number,
  pixel: { scale: number; offset: number },
  out = new Float32Array(size * size * 3),
): { tensor: Float32Array; placement: Placement } {
  const scale = Math.min(size / region.width, size / region.height);
  const drawnW = Math.max(1, Math.round(region.width * scale));
  const drawnH = Math.max(1, Math.round(region.height * scale));
  const offsetX = Math.floor((size - drawnW) / 2);
  const offsetY = Math.floor((size - drawnH) / 2);
  out.fill(pixel.offset);
  const { width, height, data } = image;
  const stepX = region.width / drawnW;
  const stepY = region.height / drawnH;
  for (let y = 0; y < drawnH; y++) {
    const sy = Math.min(Math.max(region.y + (y + 0.5) * stepY - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    let o = ((offsetY + y) * size + offsetX) * 3;
    for (let x = 0; x < drawnW; x++) {
      const sx = Math.min(Math.max(region.x + (x + 0.5) * stepX - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const a = (y0 * width + x0) * 3;
      const b = (y0 * width + x1) * 3;
      const c = (y1 * width + x0) * 3;
      const d = (y1 * width + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const top = data[a + k]! + (data[b + k]! - data[a + k]!) * fx;
        const bottom = data[c + k]! + (data[d + k]! - data[c + k]!) * fx;
        out[o++] = (top + (bottom - top) * fy) * pixel.scale + pixel.offset;
      }
    }
  }
  return { tensor: out, placement: { region, scale, offsetX, offsetY, size } };
}

/** A box in model-input pixels back to picture pixels, clipped to the region. */
export function fromModelInput(box: Rect, placement: Placement): Rect {
  const { region, scale, offsetX, offsetY } = placement;
  const x0 = Math.max(region.x, region.x + (box.x - offsetX) / scale);
  const y0 = Math.max(region.y, region.y + (box.y - offsetY) / scale);
  const x1 = Math.min(region.x + region.width, region.x + (box.x + box.width - offsetX) / scale);
  const y1 = Math.min(region.y + region.height, region.y + (box.y + box.height - offsetY) / scale);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Motion on small grey frames: each RGB frame is averaged down to ~120 px high, blurred, compared with a
 * running average of the scene, thresholded, masked, dilated and split into connected regions, returned as
 * boxes in the frame's own pixels. A change of the whole scene's brightness (a cloud, a light switched on) is
 * taken out before thresholding; a change over most of the picture at once (IR switching, auto exposure) resets
 * the background instead of reporting motion.
 */
import type { Rect, RgbImage } from '../image/rgb.js';
import { rasterise, type Polygon } from './polygon.js';

export interface MotionOptions {
  /** 1–100: higher sees smaller differences. Default 70 (a grey-level threshold of 25). */
  sensitivity: number;
  /** Regions smaller than this share of the picture are noise. Default 0.0005. */
  minArea: number;
  /** Where motion is ignored. */
  masks: readonly Polygon[];
  /** Target height of the analysed grey frame. */
  height: number;
}

export const DEFAULT_MOTION: MotionOptions = { sensitivity: 70, minArea: 0.0005, masks: [], height: 120 };

/** More of the picture than this changing at once is a global change, not motion. */
const GLOBAL_CHANGE = 0.6;
/** How fast the background follows the scene, outside and inside moving regions. */
const ALPHA_STILL = 0.08;
const ALPHA_MOVING = 0.01;

export interface MotionResult {
  boxes: Rect[];
  /** Share of the analysed picture that moved (0–1). */
  area: number;
  /** The scene changed as a whole (lighting, exposure): no motion reported, background reset. */
  globalChange: boolean;
}

export class MotionDetector {
  private readonly options: MotionOptions;
  private factor = 0;
  private width = 0;
  private height = 0;
  private grey = new Float32Array(0);
  private scratch = new Float32Array(0);
  /** Differences to the background, −255…255, for the median shift. */
  private readonly histogram = new Uint32Array(511);
  private background: Float32Array | null = null;
  private moving = new Uint8Array(0);
  private dilated = new Uint8Array(0);
  private labels = new Int32Array(0);
  private mask: Uint8Array = new Uint8Array(0);

  constructor(options: Partial<MotionOptions> = {}) {
    this.options = { ...DEFAULT_MOTION, ...options };
  }

  private prepare(image: RgbImage): void {
    const factor = Math.max(1, Math.round(image.height / this.options.height));
    const width = Math.floor(image.width / factor);
    const height = Math.floor(image.height / factor);
    if (factor === this.factor && width === this.width && height === this.height) return;
    this.factor = factor;
    this.width = width;
    this.height = height;
    const n = width * height;
    this.grey = new Float32Array(n);
    this.scratch = new Float32Array(n);
    this.moving = new Uint8Array(n);
    this.dilated = new Uint8Array(n);
    this.labels = new Int32Array(n);
    this.mask = rasterise(this.options.masks, width, height);
    this.background = null;
  }

  /**
   * Grey (BT.601 luma, integer weights summing to 256): the mean of the `factor` pixels across the middle row of
   * each block. Reading the source is the detector's main cost, and a frame fresh off the socket is mostly not in
   * the cache, so reading one row in `factor` (whole cache lines skipped) is what saves time; the blur after this
   * does the low-pass. (Frigate's linear resize by 3 reads one source pixel per block.)
   */
  private shrink(image: RgbImage): void {
    const { factor, width, height, grey } = this;
    const data = image.data;
    const weight = 1 / (factor * 256);
    for (let y = 0; y < height; y++) {
      let p = (y * factor + (factor >> 1)) * image.width * 3;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dx = 0; dx < factor; dx++, p += 3) {
          r += data[p]!;
          g += data[p + 1]!;
          b += data[p + 2]!;
        }
        grey[row + x] = (77 * r + 150 * g + 29 * b) * weight;
      }
    }
  }

  /** 3 × 3 box blur, separable, edges clamped (the edges apart, so the inner loops have no bounds math). */
  private blur(): void {
    const { width, height, grey, scratch } = this;
    const third = 1 / 3;
    const last = width - 1;
    for (let row = 0; row < width * height; row += width) {
      scratch[row] = (2 * grey[row]! + grey[row + Math.min(1, last)]!) * third;
      for (let i = row + 1; i < row + last; i++)
        scratch[i] = (grey[i - 1]! + grey[i]! + grey[i + 1]!) * third;
      if (last > 0) scratch[row + last] = (grey[row + last - 1]! + 2 * grey[row + last]!) * third;
    }
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const up = y > 0 ? row - width : row;
      const down = y < height - 1 ? row + width : row;
      for (let x = 0; x < width; x++)
        grey[row + x] = (scratch[up + x]! + scratch[row + x]! + scratch[down + x]!) * third;
    }
  }

  /** Feeds one frame; returns where it moved relative to the scene so far. */
  detect(image: RgbImage): MotionResult {
    this.prepare(image);
    this.shrink(image);
    this.blur();
    const { width, height, grey, moving, mask } = this;
    const n = width * height;
    if (!this.background) {
      this.background = Float32Array.from(grey);
      return { boxes: [], area: 0, globalChange: false };
    }
    const background = this.background;
    // The scene's overall brightness change is not motion: compare after taking it out.
    const shift = this.medianShift(grey, background);
    const threshold = 5 + (100 - Math.min(100, Math.max(1, this.options.sensitivity))) * 0.667;
    let changed = 0;
    // One pass: threshold and follow the scene (a global change below overwrites the background anyway).
    for (let i = 0; i < n; i++) {
      const difference = grey[i]! - background[i]!;
      const hit = !mask[i] && Math.abs(difference - shift) > threshold ? 1 : 0;
      moving[i] = hit;
      changed += hit;
      background[i] = background[i]! + difference * (hit ? ALPHA_MOVING : ALPHA_STILL);
    }
    if (changed > GLOBAL_CHANGE * n) {
      background.set(grey);
      return { boxes: [], area: 0, globalChange: true };
    }
    if (changed === 0) return { boxes: [], area: 0, globalChange: false };
    this.dilate();
    return { boxes: this.regions(), area: changed / n, globalChange: false };
  }

  /**
   * The median difference to the background over the unmasked picture, to the nearest grey level (a histogram:
   * one pass, no sort). The median, not the mean: a large dark thing walking in must not read as the room
   * getting darker, which would push the whole background over the threshold.
   */
  private medianShift(grey: Float32Array, background: Float32Array): number {
    const { histogram, mask } = this;
    histogram.fill(0);
    let counted = 0;
    for (let i = 0; i < grey.length; i++) {
      if (mask[i]) continue;
      const bin = Math.round(grey[i]! - background[i]!) + 255;
      histogram[bin] = histogram[bin]! + 1;
      counted++;
    }
    let seen = 0;
    for (let bin = 0; bin < histogram.length; bin++) {
      seen += histogram[bin]!;
      if (seen * 2 >= counted) return bin - 255;
    }
    return 0;
  }

  /** 3 × 3 dilation of the moving pixels, so a region with holes stays one region. */
  private dilate(): void {
    const { width, height, moving, dilated } = this;
    dilated.fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!moving[y * width + x]) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx >= 0 && xx < width) dilated[yy * width + xx] = 1;
          }
        }
      }
    }
  }

  /** Connected regions (8-neighbour flood fill) of the dilated map, as boxes in the frame's pixels. */
  private regions(): Rect[] {
    const { width, height, dilated, labels, factor } = this;
    labels.fill(0);
    const boxes: Rect[] = [];
    const minPixels = this.options.minArea * width * height;
    const stack: number[] = [];
    let next = 0;
    for (let start = 0; start < dilated.length; start++) {
      if (!dilated[start] || labels[start]) continue;
      next++;
      let [x0, y0, x1, y1, count] = [width, height, 0, 0, 0];
      stack.push(start);
      labels[start] = next;
      while (stack.length) {
        const p = stack.pop()!;
        const x = p % width;
        const y = (p - x) / width;
        count++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const q = yy * width + xx;
            if (xx < 0 || xx >= width || !dilated[q] || labels[q]) continue;
            labels[q] = next;
            stack.push(q);
          }
        }
      }
      if (count >= minPixels) {
        boxes.push({
          x: x0 * factor,
          y: y0 * factor,
          width: (x1 - x0 + 1) * factor,
          height: (y1 - y0 + 1) * factor,
        });
      }
    }
    return boxes;
  }
}

import { drawText, textSize } from './font.js';
import { drawStamp, stampBandHeight, stampCellSize } from './stamp.js';

/** Video-range luma values. */
const WHITE = 235;
const BLACK = 16;

export interface PatternRenderer {
  /** Bytes of one I420 frame. */
  readonly frameSize: number;
  /** Draws frame `index` stamped with `nowMs` into the one reused buffer and returns it (copy before reuse). */
  render(index: number, nowMs: number): Uint8Array;
}

/** "HH:MM:SS.mmm" in the worker's local time zone. */
export function clockText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * The test camera's picture, I420: a static colour gradient, a white bar sweeping across in two seconds (motion
 * you can see and the motion detector can find), the block-code stamp across the top and a clock below it.
 * Everything static is drawn once; a frame costs one copy of the Y plane plus a few thousand row fills.
 */
export function createPatternRenderer(width: number, height: number, fps: number): PatternRenderer {
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('I420 needs an even width and height');
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const frame = new Uint8Array(ySize + 2 * cw * ch);
  const background = new Uint8Array(ySize);

  const band = stampBandHeight(width);
  const scale = Math.max(2, Math.round(stampCellSize(width) / 4));
  const margin = scale * 2;
  const text = textSize(12, scale);
  const box = { x: margin, y: band + margin, w: text.width + 2 * scale, h: text.height + 2 * scale };

  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (y < band) {
      background.fill(BLACK, row, row + width);
      continue;
    }
    for (let x = 0; x < width; x++) background[row + x] = 48 + Math.round((120 * x) / width);
  }
  // Chroma never changes: a diagonal hue gradient, neutral under the stamp and the clock so they stay grey.
  const u = frame.subarray(ySize, ySize + cw * ch);
  const v = frame.subarray(ySize + cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const neutral = 2 * y < band || (2 * x < box.x + box.w && 2 * y < box.y + box.h);
      u[y * cw + x] = neutral ? 128 : 64 + Math.round((128 * x) / cw);
      v[y * cw + x] = neutral ? 128 : 192 - Math.round((128 * y) / ch);
    }
  }

  const barWidth = Math.max(2, Math.round(width / 16));
  const barStep = (width + barWidth) / Math.max(1, 2 * fps);
  const y = frame.subarray(0, ySize);

  return {
    frameSize: frame.length,
    render(index, nowMs) {
      y.set(background);
      const x0 = Math.round((index * barStep) % (width + barWidth)) - barWidth;
      const left = Math.max(0, x0);
      const right = Math.min(width, x0 + barWidth);
      if (right > left) {
        for (let row = band; row < height; row++) y.fill(WHITE, row * width + left, row * width + right);
      }
      drawStamp(y, width, width, nowMs, WHITE, BLACK);
      for (let row = box.y; row < Math.min(height, box.y + box.h); row++) {
        y.fill(BLACK, row * width + box.x, row * width + Math.min(width, box.x + box.w));
      }
      drawText(y, width, height, box.x + scale, box.y + scale, clockText(nowMs), scale, WHITE);
      return frame;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { crc16, decodeStamp, drawStamp, STAMP_CELLS, stampBandHeight, stampCells } from './stamp.js';

/** An RGBA image whose pixels are the luma of `plane` (what a decoder gives back, minus chroma). */
function greyToRgba(plane: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = plane[i] ?? 0;
    rgba.set([v, v, v, 255], i * 4);
  }
  return rgba;
}

/** Box-filter downscale by an integer factor, as a scaler would. */
function downscale(rgba: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const w = width / factor;
  const h = height / factor;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++)
            sum += rgba[((y * factor + dy) * width + x * factor + dx) * 4 + c] ?? 0;
        }
        out[(y * w + x) * 4 + c] = Math.round(sum / factor / factor);
      }
    }
  }
  return out;
}

function stamped(ms: number, width: number, height: number): Uint8Array {
  const plane = new Uint8Array(width * height).fill(128);
  drawStamp(plane, width, width, ms);
  return greyToRgba(plane, width, height);
}

describe('stamp', () => {
  const now = 1_795_582_362_309;

  it('uses 64 cells: references at both ends, 44 time bits and a 16-bit CRC', () => {
    const cells = stampCells(now);
    expect(cells).toHaveLength(STAMP_CELLS);
    expect([cells[0], cells[1], cells[62], cells[63]]).toEqual([1, 0, 0, 1]);
  });

  it('computes CRC-16/CCITT-FALSE', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it.each([
    [1280, 720],
    [1920, 1080],
    [640, 360],
    [320, 240],
  ])('reads back at %ix%i', (width, height) => {
    expect(decodeStamp(stamped(now, width, height), width, height)).toBe(now);
  });

  it('reads back after scaling the frame down (a 640 px still of 1280 px video)', () => {
    expect(decodeStamp(downscale(stamped(now, 1280, 720), 1280, 720, 2), 640, 360)).toBe(now);
    expect(decodeStamp(downscale(stamped(now, 1280, 720), 1280, 720, 4), 320, 180)).toBe(now);
  });

  it('reads back through noise and lifted blacks', () => {
    const rgba = stamped(now, 640, 360);
    let seed = 7;
    for (let i = 0; i < rgba.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      if (i % 4 !== 3)
        rgba[i] = Math.max(0, Math.min(255, (rgba[i] ?? 0) * 0.7 + 40 + ((seed >> 16) % 31) - 15));
    }
    expect(decodeStamp(rgba, 640, 360)).toBe(now);
  });

  it('encodes every bit: neighbouring times and far dates differ and round-trip', () => {
    for (const ms of [0, 1, now + 1, 2 ** 44 - 1, Date.UTC(2100, 0, 1)]) {
      expect(decodeStamp(stamped(ms, 640, 360), 640, 360)).toBe(ms);
    }
    expect(() => stampCells(2 ** 44)).toThrow(RangeError);
    expect(() => stampCells(1.5)).toThrow(RangeError);
  });

  it('returns null without a stamp, with a flipped bit, or for a tiny image', () => {
    expect(decodeStamp(greyToRgba(new Uint8Array(640 * 360).fill(128), 640, 360), 640, 360)).toBeNull();
    const rgba = stamped(now, 640, 360);
    const cell = 10;
    const x = 20 * cell + cell / 2;
    const y = Math.floor(stampBandHeight(640) / 2);
    const o = (y * 640 + x) * 4;
    const flipped = (rgba[o] ?? 0) > 128 ? 16 : 235;
    for (let dy = -3; dy <= 3; dy++) {
      for (let dx = -3; dx <= 3; dx++)
        rgba.fill(flipped, o + (dy * 640 + dx) * 4, o + (dy * 640 + dx) * 4 + 3);
    }
    expect(decodeStamp(rgba, 640, 360)).toBeNull();
    expect(decodeStamp(new Uint8Array(32 * 8 * 4), 32, 8)).toBeNull();
  });

  it('accepts a canvas ImageData buffer (Uint8ClampedArray)', () => {
    const rgba = stamped(now, 640, 360);
    expect(decodeStamp(new Uint8ClampedArray(rgba.buffer), 640, 360)).toBe(now);
  });
});

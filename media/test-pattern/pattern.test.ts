import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, textSize } from './font.js';
import { clockText, createPatternRenderer } from './pattern.js';
import { decodeStamp, stampBandHeight } from './stamp.js';

/** Luma only, as grey RGBA: enough for the stamp reader. */
function lumaRgba(frame: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([frame[i]!, frame[i]!, frame[i]!, 255], i * 4);
  return rgba;
}

describe('createPatternRenderer', () => {
  const width = 1280;
  const height = 720;
  const renderer = createPatternRenderer(width, height, 30);

  it('makes I420 frames stamped with the given time', () => {
    expect(renderer.frameSize).toBe((width * height * 3) / 2);
    const frame = renderer.render(0, 1_700_000_000_123);
    expect(decodeStamp(lumaRgba(frame, width, height), width, height)).toBe(1_700_000_000_123);
  });

  it('moves the bar from frame to frame, and only below the stamp', () => {
    const a = Uint8Array.from(renderer.render(10, 0).subarray(0, width * height));
    const b = Uint8Array.from(renderer.render(11, 0).subarray(0, width * height));
    let changed = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed++;
    expect(changed).toBeGreaterThan(height * 10);
    const band = stampBandHeight(width);
    expect(a.subarray(0, band * width)).toEqual(b.subarray(0, band * width));
  });

  it('draws the clock digits (they change with the time)', () => {
    const a = Uint8Array.from(
      renderer.render(0, Date.UTC(2026, 0, 1, 10, 0, 0, 0)).subarray(0, width * height),
    );
    const b = Uint8Array.from(
      renderer.render(0, Date.UTC(2026, 0, 1, 10, 0, 0, 888)).subarray(0, width * height),
    );
    const band = stampBandHeight(width);
    let changedBelowBand = 0;
    for (let i = band * width; i < a.length; i++) if (a[i] !== b[i]) changedBelowBand++;
    const scale = 5;
    expect(changedBelowBand).toBeGreaterThan(scale * scale * 5);
    expect(changedBelowBand).toBeLessThan(textSize(3, scale).width * GLYPH_HEIGHT * scale);
  });

  it('reuses one buffer', () => {
    expect(renderer.render(1, 0)).toBe(renderer.render(2, 0));
  });

  it('refuses odd sizes', () => {
    expect(() => createPatternRenderer(641, 360, 30)).toThrow(RangeError);
  });
});

describe('clockText', () => {
  it('formats local time as HH:MM:SS.mmm', () => {
    const at = new Date(2026, 10, 25, 9, 5, 7, 42).getTime();
    expect(clockText(at)).toBe('09:05:07.042');
  });
});

import { describe, expect, it } from 'vitest';
import { isKeyframe, LiveStats } from './stats.js';

describe('LiveStats', () => {
  it('turns frames and bytes into per-second rates over the interval', () => {
    let now = 1_000_000;
    const stats = new LiveStats(() => now);
    expect(stats.take()).toMatchObject({
      fps: 0,
      bitrateKbps: 0,
      width: null,
      height: null,
      lastFrameAt: null,
    });
    for (let i = 0; i < 60; i++) {
      now += 25;
      stats.frame(5_000, 1280, 720, i % 30 === 0);
    }
    expect(stats.take()).toEqual({
      type: 'stats',
      fps: 40,
      bitrateKbps: 1600,
      width: 1280,
      height: 720,
      lastFrameAt: 1_001_500,
      keyframes: 2,
      analysis: null,
    });
    now += 2_000;
    expect(stats.take()).toMatchObject({ fps: 0, keyframes: 0, width: 1280, lastFrameAt: 1_001_500 });
  });

  it('keeps the last known size when caps do not say', () => {
    const stats = new LiveStats(() => 0);
    stats.frame(1, 640, 480);
    stats.frame(1, undefined, null);
    expect(stats.take()).toMatchObject({ width: 640, height: 480 });
  });
});

describe('isKeyframe', () => {
  const startCode = [0, 0, 0, 1];
  const nal = (type: number, ...payload: number[]) => [...startCode, 0x60 | type, ...payload];

  it('finds the IDR slice after parameter sets and SEI', () => {
    const idr = Uint8Array.from([
      ...nal(7, 0x42, 0, 0x1f),
      ...nal(8, 0xce),
      ...nal(6, 5, 1),
      ...nal(5, 0x88, 0x84),
    ]);
    expect(isKeyframe(idr)).toBe(true);
  });

  it('tells a predicted frame, with or without a 3-byte start code, from a keyframe', () => {
    expect(isKeyframe(Uint8Array.from(nal(1, 0x9a, 0x00)))).toBe(false);
    expect(isKeyframe(Uint8Array.from([0, 0, 1, 0x41, 0x9a]))).toBe(false);
    expect(isKeyframe(Uint8Array.from([0, 0, 1, 0x65, 0x88]))).toBe(true);
  });

  it('answers false for empty or truncated data', () => {
    expect(isKeyframe(new Uint8Array(0))).toBe(false);
    expect(isKeyframe(Uint8Array.from([0, 0, 1]))).toBe(false);
  });
});

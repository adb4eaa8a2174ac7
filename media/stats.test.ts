import { describe, expect, it } from 'vitest';
import { LiveStats } from './stats.js';

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
      stats.frame(5_000, 1280, 720);
    }
    expect(stats.take()).toEqual({
      type: 'stats',
      fps: 40,
      bitrateKbps: 1600,
      width: 1280,
      height: 720,
      lastFrameAt: 1_001_500,
    });
    now += 2_000;
    expect(stats.take()).toMatchObject({ fps: 0, bitrateKbps: 0, width: 1280, lastFrameAt: 1_001_500 });
  });

  it('keeps the last known size when caps do not say', () => {
    const stats = new LiveStats(() => 0);
    stats.frame(1, 640, 480);
    stats.frame(1, undefined, null);
    expect(stats.take()).toMatchObject({ width: 640, height: 480 });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTicker } from './ticker.js';

describe('startTicker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks fps times a second without drifting', () => {
    const ticks: number[] = [];
    const ticker = startTicker(
      30,
      (i) => ticks.push(i),
      () => Date.now(),
    );
    vi.advanceTimersByTime(1000);
    ticker.stop();
    expect(ticks.length).toBeGreaterThanOrEqual(30);
    expect(ticks.length).toBeLessThanOrEqual(31);
    expect(ticks.slice(0, 3)).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(1000);
    expect(ticks.length).toBeLessThanOrEqual(31);
  });

  it('skips frames it is too late for instead of bursting', () => {
    const ticks: number[] = [];
    let clock = 0;
    const ticker = startTicker(
      10,
      (i) => {
        ticks.push(i);
        if (i === 2) clock += 450;
      },
      () => clock,
    );
    for (let step = 0; step < 20; step++) {
      clock += 50;
      vi.advanceTimersByTime(50);
    }
    ticker.stop();
    expect(ticks).toContain(2);
    expect(ticks).not.toContain(4);
    expect(new Set(ticks).size).toBe(ticks.length);
  });
});

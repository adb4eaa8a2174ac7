import { describe, expect, it } from 'vitest';
import { KeepWindows } from './keep-windows.js';

describe('KeepWindows', () => {
  it('keeps what an open event covers, from its pre-roll on, and stops at its post-roll', () => {
    const windows = new KeepWindows();
    windows.open('e1', 10_000, 7);
    expect(windows.covering(5_000, 9_000)).toEqual([]);
    expect(windows.covering(8_000, 12_000)).toEqual([{ from: 10_000, to: null, eventId: 7 }]);
    expect(windows.covering(1e12, 1e12 + 1)).toHaveLength(1);
    windows.close('e1', 30_000);
    expect(windows.covering(29_000, 33_000)).toHaveLength(1);
    expect(windows.covering(30_000, 34_000)).toEqual([]);
  });

  it('lets overlapping windows each cover a segment, and prunes only closed, old ones', () => {
    const windows = new KeepWindows();
    windows.open('a', 0, 1);
    windows.close('a', 10_000);
    windows.open('b', 8_000, 2);
    expect(windows.covering(9_000, 11_000).map((w) => w.eventId)).toEqual([1, 2]);
    windows.prune(20_000);
    expect(windows.size).toBe(1);
  });

  it('extends a motion pulse that overlaps the last one instead of adding another', () => {
    const windows = new KeepWindows();
    windows.pulse('motion', 0, 5_000);
    windows.pulse('motion', 4_000, 9_000);
    expect(windows.size).toBe(1);
    expect(windows.covering(8_000, 8_500)).toEqual([{ from: 0, to: 9_000, eventId: null }]);
    windows.pulse('motion', 20_000, 25_000);
    expect(windows.covering(8_000, 8_500)).toEqual([]);
    expect(windows.covering(21_000, 22_000)).toHaveLength(1);
  });
});

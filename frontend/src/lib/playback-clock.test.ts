import { describe, expect, it } from 'vitest';
import { mediaTimeAt, wallClockAt, type ClockFragment } from './playback-clock';

const base = Date.UTC(2026, 11, 9, 12, 0, 0);
// Two 2 s fragments, then (after a 60 s gap on the wall clock) a 3 s one: the media timeline has no gap.
const fragments: ClockFragment[] = [
  { start: 0, duration: 2, programDateTime: base },
  { start: 2, duration: 2, programDateTime: base + 2_000 },
  { start: 4, duration: 3, programDateTime: base + 64_000 },
];

describe('playback clock', () => {
  it('reads the wall clock at a media time from the fragment under it', () => {
    expect(wallClockAt(fragments, 0)).toBe(base);
    expect(wallClockAt(fragments, 1.25)).toBe(base + 1_250);
    expect(wallClockAt(fragments, 3.5)).toBe(base + 3_500);
    expect(wallClockAt(fragments, 4.5)).toBe(base + 64_500);
    // The end of the last fragment still shows its last picture; beyond it there is nothing.
    expect(wallClockAt(fragments, 7)).toBe(base + 67_000);
    expect(wallClockAt(fragments, 9)).toBeNull();
    expect(wallClockAt([{ start: 0, duration: 2, programDateTime: null }], 1)).toBeNull();
  });

  it('finds the media time of a wall-clock moment, and the next recording for one in a gap', () => {
    expect(mediaTimeAt(fragments, base)).toBe(0);
    expect(mediaTimeAt(fragments, base + 2_500)).toBe(2.5);
    expect(mediaTimeAt(fragments, base + 65_000)).toBe(5);
    expect(mediaTimeAt(fragments, base + 30_000)).toBe(4);
    expect(mediaTimeAt(fragments, base - 5_000)).toBe(0);
    expect(mediaTimeAt(fragments, base + 67_000)).toBeNull();
    expect(mediaTimeAt([], base)).toBeNull();
  });

  it('round-trips between the two inside the fragments', () => {
    for (const at of [base + 10, base + 1_999, base + 3_333, base + 66_900]) {
      const position = mediaTimeAt(fragments, at);
      expect(position).not.toBeNull();
      expect(wallClockAt(fragments, position ?? -1)).toBe(at);
    }
  });
});

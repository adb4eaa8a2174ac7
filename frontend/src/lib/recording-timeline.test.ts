import { describe, expect, it } from 'vitest';
import {
  canZoomIn,
  canZoomOut,
  clipToView,
  DAY_MS,
  dayView,
  HOUR_MS,
  MAX_SPAN_MS,
  MIN_SPAN_MS,
  pan,
  playbackSpan,
  PLAYLIST_SPAN_MS,
  rangeFrom,
  shiftDays,
  ticks,
  timeToX,
  xToTime,
  zoom,
} from './recording-timeline';

const from = Date.UTC(2026, 11, 9, 0, 0, 0);
const day = { from, to: from + DAY_MS };

describe('recording timeline geometry', () => {
  it('maps time to x and back across the strip', () => {
    expect(timeToX(day, from, 1200)).toBe(0);
    expect(timeToX(day, from + 12 * HOUR_MS, 1200)).toBe(600);
    expect(timeToX(day, from + DAY_MS, 1200)).toBe(1200);
    expect(timeToX(day, from - 6 * HOUR_MS, 1200)).toBe(-300);
    expect(xToTime(day, 600, 1200)).toBe(from + 12 * HOUR_MS);
    expect(xToTime(day, 300, 1200)).toBe(from + 6 * HOUR_MS);
    // Outside the strip reads as its ends; a strip without width as the view's start.
    expect(xToTime(day, -40, 1200)).toBe(from);
    expect(xToTime(day, 5000, 1200)).toBe(from + DAY_MS);
    expect(xToTime(day, 10, 0)).toBe(from);
    for (const x of [0, 1, 333.3, 1199]) expect(timeToX(day, xToTime(day, x, 1200), 1200)).toBeCloseTo(x, 2);
  });

  it('zooms around an anchor that stays put, between 10 minutes and a week', () => {
    const anchor = from + 6 * HOUR_MS;
    const zoomed = zoom(day, 0.5, anchor);
    expect(zoomed.to - zoomed.from).toBe(12 * HOUR_MS);
    expect(timeToX(zoomed, anchor, 1000)).toBeCloseTo(timeToX(day, anchor, 1000), 6);
    expect(zoom(day, 0.5)).toEqual({ from: from + 6 * HOUR_MS, to: from + 18 * HOUR_MS });

    let view = day;
    for (let k = 0; k < 20; k++) view = zoom(view, 0.5, anchor);
    expect(view.to - view.from).toBe(MIN_SPAN_MS);
    expect(view.from).toBeLessThanOrEqual(anchor);
    expect(view.to).toBeGreaterThan(anchor);
    expect(canZoomIn(view)).toBe(false);
    expect(canZoomOut(view)).toBe(true);
    for (let k = 0; k < 20; k++) view = zoom(view, 2);
    expect(view.to - view.from).toBe(MAX_SPAN_MS);
    expect(canZoomOut(view)).toBe(false);
    expect(canZoomIn(view)).toBe(true);
  });

  it('clips ranges to the view and drops those outside it', () => {
    const ranges = [
      { startedAt: from - HOUR_MS, endedAt: from + HOUR_MS, segments: 3 },
      { startedAt: from + 2 * HOUR_MS, endedAt: from + 3 * HOUR_MS, segments: 1 },
      { startedAt: from + DAY_MS - 1, endedAt: from + DAY_MS + HOUR_MS, segments: 2 },
      { startedAt: from - 2 * HOUR_MS, endedAt: from, segments: 1 },
      { startedAt: from + DAY_MS, endedAt: from + DAY_MS + 1, segments: 1 },
    ];
    expect(clipToView(ranges, day)).toEqual([
      { startedAt: from, endedAt: from + HOUR_MS, segments: 3 },
      { startedAt: from + 2 * HOUR_MS, endedAt: from + 3 * HOUR_MS, segments: 1 },
      { startedAt: from + DAY_MS - 1, endedAt: from + DAY_MS, segments: 2 },
    ]);
    expect(rangeFrom(ranges, from + 2.5 * HOUR_MS)?.startedAt).toBe(from + 2 * HOUR_MS);
    expect(rangeFrom(ranges.slice(0, 3), from + 1.5 * HOUR_MS)?.startedAt).toBe(from + 2 * HOUR_MS);
    expect(rangeFrom(ranges.slice(0, 2), from + 4 * HOUR_MS)).toBeUndefined();
  });

  it('shows local calendar days and moves by days, by part of a view', () => {
    const at = new Date(2026, 5, 15, 14, 30).getTime();
    const view = dayView(at);
    expect(new Date(view.from)).toEqual(new Date(2026, 5, 15));
    expect(new Date(view.to)).toEqual(new Date(2026, 5, 16));
    expect(new Date(shiftDays(view, -1).from)).toEqual(new Date(2026, 5, 14));
    expect(new Date(shiftDays(view, 1).from)).toEqual(new Date(2026, 5, 16));
    const narrow = { from: at, to: at + MIN_SPAN_MS };
    expect(shiftDays(narrow, 1).to - shiftDays(narrow, 1).from).toBe(MIN_SPAN_MS);
    expect(pan(narrow, -0.5)).toEqual({ from: at - MIN_SPAN_MS / 2, to: at + MIN_SPAN_MS / 2 });
  });

  it('plays a narrow view whole, and a window around the moment of a wide one', () => {
    const narrow = { from, to: from + 2 * HOUR_MS };
    expect(playbackSpan(narrow, from + HOUR_MS)).toEqual(narrow);
    const window = playbackSpan(day, from + 12 * HOUR_MS);
    expect(window).toEqual({ from: from + 11 * HOUR_MS, to: from + 17 * HOUR_MS });
    expect(playbackSpan(day, from + 10_000)).toEqual({ from, to: from + PLAYLIST_SPAN_MS });
    expect(playbackSpan(day, from + DAY_MS - 1)).toEqual({ from: from + 18 * HOUR_MS, to: from + DAY_MS });
  });

  it('puts ticks on round local times, at most as many as asked for', () => {
    const local = dayView(new Date(2026, 5, 15, 12).getTime());
    expect(ticks(local, 12).map((t) => new Date(t).getHours())).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    const narrow = { from: new Date(2026, 5, 15, 9, 0, 30).getTime(), to: 0 };
    narrow.to = narrow.from + MIN_SPAN_MS;
    const minutes = ticks(narrow, 12);
    expect(minutes).toHaveLength(10);
    expect(minutes.map((t) => new Date(t).getMinutes())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(minutes.every((t) => new Date(t).getSeconds() === 0)).toBe(true);
  });
});

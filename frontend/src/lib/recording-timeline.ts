// The Recordings page's timeline as arithmetic: a view is a span of wall-clock time [from, to) in epoch ms laid
// across a strip `width` pixels wide. Pure, so the page, the tests and the e2e test agree on where a moment is.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Narrowest view: 10 minutes (a 2 s segment is then ~4 px on a 1200 px strip). */
export const MIN_SPAN_MS = 10 * MINUTE_MS;
/** Widest view: a week, the most one GET /api/recordings may cover. */
export const MAX_SPAN_MS = 7 * DAY_MS;
/** Longest span one playlist covers; wider views play a window around the chosen moment. */
export const PLAYLIST_SPAN_MS = 6 * HOUR_MS;

export interface TimelineView {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface TimeSpan {
  startedAt: number;
  endedAt: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const span = (view: TimelineView) => view.to - view.from;

/** Where moment `at` falls on a strip `width` px wide (outside [0, width] when outside the view). */
export function timeToX(view: TimelineView, at: number, width: number): number {
  return ((at - view.from) / span(view)) * width;
}

/** The moment under pixel `x` of a strip `width` px wide, kept within the view, in whole ms. */
export function xToTime(view: TimelineView, x: number, width: number): number {
  if (width <= 0) return view.from;
  return Math.round(view.from + (clamp(x, 0, width) / width) * span(view));
}

/** The local calendar day (midnight to midnight: 23 or 25 h when the clocks change) that contains `at`. */
export function dayView(at: number): TimelineView {
  const start = new Date(at);
  start.setHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { from: start.getTime(), to: end.getTime() };
}

/** The same view `days` calendar days earlier (negative) or later, keeping its zoom. */
export function shiftDays(view: TimelineView, days: number): TimelineView {
  const from = new Date(view.from);
  from.setDate(from.getDate() + days);
  return { from: from.getTime(), to: from.getTime() + span(view) };
}

/** The view moved by `fraction` of its own span (−0.5: half a view earlier). */
export function pan(view: TimelineView, fraction: number): TimelineView {
  const by = Math.round(span(view) * fraction);
  return { from: view.from + by, to: view.to + by };
}

/**
 * The view `factor` times as wide (0.5 zooms in), between MIN_SPAN_MS and MAX_SPAN_MS, with `anchor` (a moment,
 * by default the middle) staying where it was on the strip.
 */
export function zoom(view: TimelineView, factor: number, anchor = (view.from + view.to) / 2): TimelineView {
  const next = Math.round(clamp(span(view) * factor, MIN_SPAN_MS, MAX_SPAN_MS));
  const share = clamp((anchor - view.from) / span(view), 0, 1);
  const from = Math.round(anchor - share * next);
  return { from, to: from + next };
}

export const canZoomIn = (view: TimelineView) => span(view) > MIN_SPAN_MS;
export const canZoomOut = (view: TimelineView) => span(view) < MAX_SPAN_MS;

/** The spans that show in the view, cut to it; those entirely outside are dropped. */
export function clipToView<T extends TimeSpan>(spans: readonly T[], view: TimelineView): T[] {
  return spans
    .filter((s) => s.endedAt > view.from && s.startedAt < view.to)
    .map((s) => ({
      ...s,
      startedAt: Math.max(s.startedAt, view.from),
      endedAt: Math.min(s.endedAt, view.to),
    }));
}

/** The recorded range that contains `at`, or else the first one starting after it (a click in a gap). */
export function rangeFrom<T extends TimeSpan>(ranges: readonly T[], at: number): T | undefined {
  return ranges.find((r) => r.endedAt > at);
}

/**
 * The span a playlist for playing from `at` covers: the view itself when it is at most PLAYLIST_SPAN_MS wide,
 * else PLAYLIST_SPAN_MS from a little (a sixth of it) before `at`, kept within the view.
 */
export function playbackSpan(view: TimelineView, at: number): TimelineView {
  if (span(view) <= PLAYLIST_SPAN_MS) return { ...view };
  const from = clamp(at - PLAYLIST_SPAN_MS / 6, view.from, view.to - PLAYLIST_SPAN_MS);
  return { from, to: from + PLAYLIST_SPAN_MS };
}

const TICK_STEPS = [
  MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
];

/** Tick moments for labels: the smallest round step that gives at most `most` ticks, on local round times. */
export function ticks(view: TimelineView, most = 12): number[] {
  const step = TICK_STEPS.find((s) => span(view) / s <= most) ?? DAY_MS;
  // Round in local time: a "12:00" tick should sit at local noon, whatever the time zone.
  const offset = new Date(view.from).getTimezoneOffset() * MINUTE_MS;
  const first = Math.ceil((view.from - offset) / step) * step + offset;
  const out: number[] = [];
  for (let at = first; at < view.to; at += step) out.push(at);
  return out;
}

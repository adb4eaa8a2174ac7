// Wall-clock time in a recording's player. hls.js lays the playlist's fragments on the media timeline (start and
// duration in s) and gives each one the EXT-X-PROGRAM-DATE-TIME it falls under (epoch ms, carried forward over
// the EXTINF durations of the fragments that follow a tagged one). These turn one into the other.

/** What the clock needs of an hls.js Fragment. */
export interface ClockFragment {
  /** Media time in s. */
  start: number;
  /** s */
  duration: number;
  /** Epoch ms, or null when the playlist gave none. */
  programDateTime: number | null;
}

/** The wall-clock moment shown at media time `position` (s), or null outside the fragments. */
export function wallClockAt(fragments: readonly ClockFragment[], position: number): number | null {
  const fragment =
    fragments.find((f) => position >= f.start && position < f.start + f.duration) ??
    // The very end of the last fragment still shows its last picture.
    fragments.findLast((f) => position >= f.start && position <= f.start + f.duration + 0.05);
  if (fragment === undefined || fragment.programDateTime === null) return null;
  return Math.round(fragment.programDateTime + (position - fragment.start) * 1000);
}

/**
 * The media time (s) that shows wall-clock moment `at`: inside the fragment that covers it, or the start of the
 * first fragment after it (a moment in a gap plays what was recorded next). Null when nothing is at or after it.
 */
export function mediaTimeAt(fragments: readonly ClockFragment[], at: number): number | null {
  let next: { at: number; start: number } | undefined;
  for (const f of fragments) {
    const startsAt = f.programDateTime;
    if (startsAt === null) continue;
    if (at >= startsAt && at < startsAt + f.duration * 1000) return f.start + (at - startsAt) / 1000;
    if (startsAt > at && (next === undefined || startsAt < next.at)) next = { at: startsAt, start: f.start };
  }
  return next === undefined ? null : next.start;
}

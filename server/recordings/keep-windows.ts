/**
 * The spans of time a camera's footage is kept for, in `events` and `motion` modes: each event opens one at
 * its start minus the pre-roll and closes it at its end plus the post-roll; a burst of motion is a short one.
 * Overlapping windows simply overlap: a segment is kept when any window covers part of it, so windows merge
 * by themselves.
 */
export interface KeepWindow {
  from: number;
  /** Null while its event is still going on. */
  to: number | null;
  /** The event it keeps footage for (linked to the segments), if it was stored. */
  eventId: number | null;
}

export class KeepWindows {
  private readonly windows = new Map<string, KeepWindow>();

  open(key: string, from: number, eventId: number | null): void {
    const current = this.windows.get(key);
    if (current) {
      current.from = Math.min(current.from, from);
      current.to = null;
      current.eventId ??= eventId;
    } else this.windows.set(key, { from, to: null, eventId });
  }

  close(key: string, to: number): void {
    const current = this.windows.get(key);
    if (current) current.to = to;
  }

  /** A window [from, to) that ends by itself (motion seen at an instant); extends one of the same key. */
  pulse(key: string, from: number, to: number): void {
    const current = this.windows.get(key);
    if (current && current.to !== null && current.to >= from) current.to = Math.max(current.to, to);
    else if (!current || current.to !== null) this.windows.set(key, { from, to, eventId: null });
  }

  /** The windows covering some of [start, end). */
  covering(start: number, end: number): KeepWindow[] {
    return [...this.windows.values()].filter((w) => w.from < end && (w.to === null || w.to > start));
  }

  /** Forgets closed windows that ended before `before` (no segment that new can need them). */
  prune(before: number): void {
    for (const [key, window] of this.windows)
      if (window.to !== null && window.to < before) this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }
}

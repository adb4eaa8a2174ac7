// Which stills the timeline's thumbnail strip shows: the view is cut into `slots` equal spans (as many as fit
// side by side), and each span shows the still nearest its middle, if it has any. Pure, so the strip and its
// test agree.
import type { TimelineView } from './recording-timeline';

/** Narrowest a thumbnail is drawn on the strip, in px (the stills are 320 px wide). */
export const THUMBNAIL_SLOT_PX = 96;

export interface Still {
  /** Epoch ms. */
  at: number;
}

export interface PlacedStill<T extends Still> {
  /** 0 … slots − 1, left to right. */
  slot: number;
  still: T;
}

/** How many slots a strip `width` px wide has: at least one. */
export function slotCount(width: number, slotPx = THUMBNAIL_SLOT_PX): number {
  return Math.max(1, Math.floor(width / slotPx));
}

/** For each slot of the view that has stills (sorted by `at`, oldest first), the one nearest its middle. */
export function pickThumbnails<T extends Still>(
  stills: readonly T[],
  view: TimelineView,
  slots: number,
): PlacedStill<T>[] {
  const span = (view.to - view.from) / slots;
  const best = new Map<number, T>();
  for (const still of stills) {
    if (still.at < view.from || still.at >= view.to) continue;
    const slot = Math.min(slots - 1, Math.floor((still.at - view.from) / span));
    const middle = view.from + (slot + 0.5) * span;
    const current = best.get(slot);
    if (current === undefined || Math.abs(still.at - middle) < Math.abs(current.at - middle))
      best.set(slot, still);
  }
  return [...best].sort(([a], [b]) => a - b).map(([slot, still]) => ({ slot, still }));
}

// Whether a playing <video> still gets pictures, judged by its own frames (not by Janus or the camera list):
// a camera that hangs while the SFU still calls the stream up shows a frozen last frame, which looks live.

/** No new frame for this long (or three of the camera's own frame intervals, if longer) reads as stalled. */
export const PICTURE_STALL_MS = 1_500;
/** Frame intervals kept to learn the camera's rate (a 1 fps doorbell is not stalled between frames). */
const INTERVALS_KEPT = 30;

export type PictureState = 'none' | 'flowing' | 'stalled';

export class PictureClock {
  private last: number | null = null;
  private intervals: number[] = [];

  /** A frame was presented at `at` (ms, any monotonic clock shared with `state`). */
  frame(at: number): void {
    if (this.last !== null) this.intervals = [...this.intervals, at - this.last].slice(-INTERVALS_KEPT);
    this.last = at;
  }

  /** Forgets every frame: a new stream starts from `none`. */
  reset(): void {
    this.last = null;
    this.intervals = [];
  }

  /** When the newest frame came, or null before the first. */
  get lastFrameAt(): number | null {
    return this.last;
  }

  /** How long without a frame reads as stalled, given the rate seen so far. */
  get stallAfterMs(): number {
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const typical = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return Math.max(PICTURE_STALL_MS, 3 * typical);
  }

  state(now: number): PictureState {
    if (this.last === null) return 'none';
    return now - this.last > this.stallAfterMs ? 'stalled' : 'flowing';
  }
}

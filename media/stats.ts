import type { WorkerToServer } from './protocol.js';

export type StatsMessage = Extract<WorkerToServer, { type: 'stats' }>;

/**
 * Counts encoded frames and bytes of the live branch and turns them into a `stats` message per interval.
 * `now` is injected (epoch ms) so the arithmetic is testable without waiting.
 */
export class LiveStats {
  private frames = 0;
  private keyframes = 0;
  private bytes = 0;
  private width: number | null = null;
  private height: number | null = null;
  private lastFrameAt: number | null = null;
  private intervalStart: number;

  constructor(private readonly now: () => number = Date.now) {
    this.intervalStart = now();
  }

  /** Counts one encoded frame of `size` bytes; `width`/`height` from its caps when they say. */
  frame(size: number, width: unknown, height: unknown, keyframe = false): void {
    this.frames += 1;
    if (keyframe) this.keyframes += 1;
    this.bytes += size;
    this.lastFrameAt = this.now();
    if (typeof width === 'number' && width > 0) this.width = width;
    if (typeof height === 'number' && height > 0) this.height = height;
  }

  get newestFrameAt(): number | null {
    return this.lastFrameAt;
  }

  /** The message for the interval since the previous call (rates per second), and a fresh interval. */
  take(): StatsMessage {
    const at = this.now();
    const seconds = Math.max(0.001, (at - this.intervalStart) / 1000);
    const message: StatsMessage = {
      type: 'stats',
      fps: Math.round((this.frames / seconds) * 10) / 10,
      bitrateKbps: Math.round((this.bytes * 8) / 1000 / seconds),
      width: this.width,
      height: this.height,
      lastFrameAt: this.lastFrameAt,
      keyframes: this.keyframes,
      analysis: null,
    };
    this.frames = 0;
    this.keyframes = 0;
    this.bytes = 0;
    this.intervalStart = at;
    return message;
  }
}

/** NAL unit types of H.264 (ITU-T H.264 table 7-1) that tell a frame's kind. */
const NAL_SLICE = 1;
const NAL_IDR_SLICE = 5;

/**
 * True when an H.264 access unit in Annex B byte-stream form is a keyframe: its first slice is an IDR slice.
 * Parameter sets and SEI before the slice are skipped; the scan stops at the first slice.
 */
export function isKeyframe(accessUnit: Uint8Array): boolean {
  for (let i = 2; i < accessUnit.length - 1; i++) {
    if (accessUnit[i] !== 1 || accessUnit[i - 1] !== 0 || accessUnit[i - 2] !== 0) continue;
    const type = (accessUnit[i + 1] ?? 0) & 0x1f;
    if (type === NAL_IDR_SLICE) return true;
    if (type === NAL_SLICE) return false;
  }
  return false;
}

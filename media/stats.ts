import type { WorkerToServer } from './protocol.js';

export type StatsMessage = Extract<WorkerToServer, { type: 'stats' }>;

/**
 * Counts encoded frames and bytes of the live branch and turns them into a `stats` message per interval.
 * `now` is injected (epoch ms) so the arithmetic is testable without waiting.
 */
export class LiveStats {
  private frames = 0;
  private bytes = 0;
  private width: number | null = null;
  private height: number | null = null;
  private lastFrameAt: number | null = null;
  private intervalStart: number;

  constructor(private readonly now: () => number = Date.now) {
    this.intervalStart = now();
  }

  /** Counts one encoded frame of `size` bytes; `width`/`height` from its caps when they say. */
  frame(size: number, width: unknown, height: unknown): void {
    this.frames += 1;
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
    };
    this.frames = 0;
    this.bytes = 0;
    this.intervalStart = at;
    return message;
  }
}

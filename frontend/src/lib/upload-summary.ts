// The upload panel's numbers: each file's state, the batch's total progress, and transfer speed measured over
// a sliding window, so a stalled connection reads as 0 B/s within seconds instead of an old average.
import { formatBytes } from './format';

/**
 * waiting: queued behind others; uploading; reconnecting: the connection dropped and tus resumes it on its own;
 * done; skipped: the name was taken and the policy was to skip; failed: gave up (retry possible); cancelled.
 */
export type UploadStatus =
  'waiting' | 'uploading' | 'reconnecting' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface UploadRow {
  /** Uppy's file id. */
  id: string;
  name: string;
  /** The folder it goes into (API path). */
  folder: string;
  /** In bytes. */
  size: number;
  /** Bytes the server has taken so far. */
  sent: number;
  status: UploadStatus;
  /** A sentence for failed and skipped rows. */
  error: string | null;
  /** Where the file was stored (API path), which differs from folder + name after "keep both". */
  savedAs: string | null;
  /** Bytes per second over the last few seconds; 0 when idle. */
  speed: number;
}

/** Rows no longer moving. */
export function isSettled(status: UploadStatus): boolean {
  return status === 'done' || status === 'skipped' || status === 'failed' || status === 'cancelled';
}

export interface UploadSummary {
  /** Rows that count: every row but cancelled ones. */
  files: number;
  done: number;
  failed: number;
  skipped: number;
  /** Waiting, uploading or reconnecting. */
  active: number;
  /** Bytes of the rows still meant to arrive (done and active ones). */
  totalBytes: number;
  sentBytes: number;
  /** 0…1 over totalBytes; 1 when nothing is left to send. */
  fraction: number;
}

export function summarize(rows: readonly UploadRow[]): UploadSummary {
  const summary: UploadSummary = {
    files: 0,
    done: 0,
    failed: 0,
    skipped: 0,
    active: 0,
    totalBytes: 0,
    sentBytes: 0,
    fraction: 1,
  };
  for (const row of rows) {
    if (row.status === 'cancelled') continue;
    summary.files += 1;
    switch (row.status) {
      case 'done':
        summary.done += 1;
        summary.totalBytes += row.size;
        summary.sentBytes += row.size;
        break;
      case 'failed':
        summary.failed += 1;
        break;
      case 'skipped':
        summary.skipped += 1;
        break;
      case 'waiting':
      case 'uploading':
      case 'reconnecting':
        summary.active += 1;
        summary.totalBytes += row.size;
        summary.sentBytes += Math.min(row.sent, row.size);
        break;
    }
  }
  if (summary.totalBytes > 0) summary.fraction = summary.sentBytes / summary.totalBytes;
  else if (summary.active > 0) summary.fraction = 0;
  return summary;
}

/** One row's progress as 0…1 (an empty file is complete once done). */
export function rowFraction(row: Pick<UploadRow, 'size' | 'sent' | 'status'>): number {
  if (row.status === 'done') return 1;
  return row.size > 0 ? Math.min(1, row.sent / row.size) : 0;
}

/** Window of the speed measurement, in milliseconds. */
export const SPEED_WINDOW_MS = 5000;

/**
 * Bytes per second from (time, bytes-so-far) samples within the last SPEED_WINDOW_MS. A count that goes back
 * (tus resumed from the server's offset after a drop) restarts the measurement rather than counting backwards.
 */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = SPEED_WINDOW_MS) {}

  /** Records that `bytes` had been sent in total at time `at` (milliseconds). */
  add(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last !== undefined && bytes < last.bytes) this.samples = [];
    this.samples.push({ at, bytes });
    this.trim(at);
  }

  /** Bytes per second at time `now`; 0 without two samples in the window. */
  rate(now: number): number {
    this.trim(now);
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last === first) return 0;
    // Measured up to now, not to the last sample: a transfer that stopped slows down to 0 as time passes.
    const seconds = (Math.max(now, last.at) - first.at) / 1000;
    return seconds > 0 ? (last.bytes - first.bytes) / seconds : 0;
  }

  reset(): void {
    this.samples = [];
  }

  private trim(now: number): void {
    // Keep one sample from before the window as its starting point.
    while (this.samples.length > 1 && (this.samples[1]?.at ?? now) <= now - this.windowMs)
      this.samples.shift();
    const first = this.samples[0];
    if (this.samples.length === 1 && first !== undefined && first.at <= now - this.windowMs)
      this.samples = [];
  }
}

/** A speed for people: "2.4 MB/s"; "—" when nothing moves. */
export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '—';
}

/** Seconds left at `speed`, or null when unknown (no speed, nothing left). */
export function secondsLeft(
  summary: Pick<UploadSummary, 'totalBytes' | 'sentBytes'>,
  speed: number,
): number | null {
  const left = summary.totalBytes - summary.sentBytes;
  return speed > 0 && left > 0 ? Math.ceil(left / speed) : null;
}

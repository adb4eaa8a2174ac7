import { describe, expect, it } from 'vitest';
import {
  formatSpeed,
  rowFraction,
  secondsLeft,
  SpeedMeter,
  summarize,
  type UploadRow,
} from './upload-summary';

let ids = 0;
const row = (status: UploadRow['status'], size: number, sent = 0): UploadRow => ({
  id: String(++ids),
  name: `f${ids}`,
  folder: '/',
  size,
  sent,
  status,
  error: null,
  savedAs: null,
  speed: 0,
});

describe('summarize', () => {
  it('adds up the bytes of finished and active files', () => {
    const summary = summarize([row('done', 100, 100), row('uploading', 200, 50), row('waiting', 100)]);
    expect(summary).toMatchObject({ files: 3, done: 1, active: 2, totalBytes: 400, sentBytes: 150 });
    expect(summary.fraction).toBeCloseTo(150 / 400);
  });

  it('leaves cancelled, failed and skipped files out of the bytes', () => {
    const summary = summarize([
      row('done', 100, 100),
      row('failed', 500, 250),
      row('skipped', 300),
      row('cancelled', 700, 10),
    ]);
    expect(summary).toMatchObject({ files: 3, done: 1, failed: 1, skipped: 1, active: 0 });
    expect(summary.totalBytes).toBe(100);
    expect(summary.fraction).toBe(1);
  });

  it('counts a resuming file as active, and never counts more than its size', () => {
    const summary = summarize([row('reconnecting', 100, 130)]);
    expect(summary.active).toBe(1);
    expect(summary.sentBytes).toBe(100);
  });

  it('is at 0 while only empty files wait, and complete when nothing is left', () => {
    expect(summarize([row('waiting', 0)]).fraction).toBe(0);
    expect(summarize([]).fraction).toBe(1);
  });

  it('gives each row its own fraction', () => {
    expect(rowFraction(row('uploading', 200, 50))).toBe(0.25);
    expect(rowFraction(row('done', 0))).toBe(1);
    expect(rowFraction(row('waiting', 0))).toBe(0);
  });
});

describe('SpeedMeter', () => {
  it('measures bytes per second over the samples in its window', () => {
    const meter = new SpeedMeter(5000);
    meter.add(0, 0);
    meter.add(1000, 1_000_000);
    meter.add(2000, 2_000_000);
    expect(meter.rate(2000)).toBe(1_000_000);
  });

  it('forgets samples older than the window, so a speed change shows within it', () => {
    const meter = new SpeedMeter(2000);
    meter.add(0, 0);
    meter.add(1000, 10_000_000);
    meter.add(4000, 11_000_000);
    meter.add(5000, 12_000_000);
    // Only the last 2 s count (plus one sample before as the starting point): 2 MB over 4 s.
    expect(meter.rate(5000)).toBe(500_000);
  });

  it('slows to 0 when the transfer stalls', () => {
    const meter = new SpeedMeter(5000);
    meter.add(0, 0);
    meter.add(1000, 1_000_000);
    expect(meter.rate(3000)).toBeCloseTo(333_333, 0);
    expect(meter.rate(20_000)).toBe(0);
  });

  it('starts again when the count goes back (a resume from the server offset)', () => {
    const meter = new SpeedMeter(5000);
    meter.add(0, 0);
    meter.add(1000, 8_000_000);
    meter.add(1500, 4_000_000);
    expect(meter.rate(1500)).toBe(0);
    meter.add(2500, 5_000_000);
    expect(meter.rate(2500)).toBe(1_000_000);
  });

  it('needs two samples', () => {
    const meter = new SpeedMeter();
    expect(meter.rate(0)).toBe(0);
    meter.add(0, 100);
    expect(meter.rate(0)).toBe(0);
    meter.reset();
    expect(meter.rate(1)).toBe(0);
  });
});

describe('speed and time left for people', () => {
  it('formats speeds and says nothing for a standstill', () => {
    expect(formatSpeed(2_400_000)).toBe('2.4 MB/s');
    expect(formatSpeed(0)).toBe('—');
  });

  it('estimates whole seconds left, or null when it cannot', () => {
    expect(secondsLeft({ totalBytes: 1000, sentBytes: 400 }, 100)).toBe(6);
    expect(secondsLeft({ totalBytes: 1000, sentBytes: 1000 }, 100)).toBeNull();
    expect(secondsLeft({ totalBytes: 1000, sentBytes: 0 }, 0)).toBeNull();
  });
});

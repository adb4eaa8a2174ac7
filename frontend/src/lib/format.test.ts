import { describe, expect, it } from 'vitest';
import {
  formatBitrate,
  formatBytes,
  formatDateTime,
  formatFps,
  formatResolution,
  formatUptime,
  formatWait,
} from './format';

describe('formatWait', () => {
  it('uses seconds under a minute, then rounds up to minutes and hours', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(0)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(3600)).toBe('1 hour');
    expect(formatWait(3900)).toBe('1 hour 5 minutes');
  });
});

describe('formatUptime', () => {
  it('rounds down to the two largest units', () => {
    expect(formatUptime(30)).toBe('less than a minute');
    expect(formatUptime(60)).toBe('1 minute');
    expect(formatUptime(7200)).toBe('2 hours');
    expect(formatUptime(7800)).toBe('2 hours 10 minutes');
    expect(formatUptime(86_400 * 3 + 3600 * 4 + 59)).toBe('3 days 4 hours');
    expect(formatUptime(86_400)).toBe('1 day');
  });
});

describe('formatDateTime', () => {
  it('formats valid timestamps and leaves anything else alone', () => {
    expect(formatDateTime('2025-03-04T05:06:07Z')).toMatch(/2025/);
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('video numbers', () => {
  it('formats sizes, bit rates and frame rates', () => {
    expect(formatResolution(1280, 720)).toBe('1280×720');
    expect(formatBitrate(0)).toBe('0 kbit/s');
    expect(formatBitrate(849.6)).toBe('850 kbit/s');
    expect(formatBitrate(2400)).toBe('2.4 Mbit/s');
    expect(formatBitrate(12_345)).toBe('12 Mbit/s');
    expect(formatBitrate(Number.NaN)).toBe('0 kbit/s');
    expect(formatFps(30)).toBe('30 fps');
    expect(formatFps(12.54)).toBe('12.5 fps');
  });
});

describe('formatBytes', () => {
  it('uses decimal units, one decimal under ten', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(120_000_000_000)).toBe('120 GB');
    expect(formatBytes(4e12)).toBe('4.0 TB');
  });

  it('moves up a unit instead of showing 1000', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB');
  });

  it('copes with numbers that are not sizes', () => {
    expect(formatBytes(Number.NaN)).toBe('0 bytes');
    expect(formatBytes(-5)).toBe('0 bytes');
    expect(formatBytes(5e18)).toBe('5000 PB');
  });
});

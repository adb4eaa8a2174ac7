import { describe, expect, it } from 'vitest';
import {
  exportFolder,
  formatSpan,
  MAX_EXPORT_MS,
  NO_RANGE,
  parseExportProgress,
  rangeProblem,
  shownRange,
  withEnd,
  withStart,
} from './recording-export';

const T = Date.UTC(2026, 4, 1, 12);

describe('marking a range at the playhead', () => {
  it('sets either end first, and keeps the other while the range stays forwards', () => {
    expect(withEnd(withStart(NO_RANGE, T), T + 8_000)).toEqual({ from: T, to: T + 8_000 });
    expect(withStart(withEnd(NO_RANGE, T + 8_000), T)).toEqual({ from: T, to: T + 8_000 });
    // Moving an end within the range.
    expect(withStart({ from: T, to: T + 8_000 }, T + 2_000)).toEqual({ from: T + 2_000, to: T + 8_000 });
    expect(withEnd({ from: T, to: T + 8_000 }, T + 5_000)).toEqual({ from: T, to: T + 5_000 });
  });

  it('drops the other end instead of making a backwards or empty range', () => {
    expect(withStart({ from: T, to: T + 8_000 }, T + 9_000)).toEqual({ from: T + 9_000, to: null });
    expect(withStart({ from: T, to: T + 8_000 }, T + 8_000)).toEqual({ from: T + 8_000, to: null });
    expect(withEnd({ from: T, to: T + 8_000 }, T - 1)).toEqual({ from: null, to: T - 1 });
    expect(withEnd({ from: T, to: null }, T)).toEqual({ from: null, to: T });
  });

  it('draws the whole range, or a line at the one end set', () => {
    expect(shownRange(NO_RANGE)).toBeNull();
    expect(shownRange({ from: T, to: null })).toEqual({ from: T, to: T });
    expect(shownRange({ from: null, to: T })).toEqual({ from: T, to: T });
    expect(shownRange({ from: T, to: T + 1 })).toEqual({ from: T, to: T + 1 });
  });

  it('says what is missing or wrong, and nothing for an exportable range', () => {
    expect(rangeProblem(NO_RANGE)).toMatch(/Set start/);
    expect(rangeProblem({ from: null, to: T })).toMatch(/begins/);
    expect(rangeProblem({ from: T, to: null })).toMatch(/ends/);
    expect(rangeProblem({ from: T, to: T + 500 })).toMatch(/shorter than a second/);
    expect(rangeProblem({ from: T, to: T + MAX_EXPORT_MS + 1 })).toMatch(/24 hours/);
    expect(rangeProblem({ from: T, to: T + 1_000 })).toBeNull();
    expect(rangeProblem({ from: T, to: T + MAX_EXPORT_MS })).toBeNull();
  });
});

describe('formatSpan', () => {
  it('names hours, minutes and seconds, leaving out the zero parts', () => {
    expect(formatSpan(0)).toBe('0 s');
    expect(formatSpan(8_400)).toBe('8 s');
    expect(formatSpan(65_000)).toBe('1 min 5 s');
    expect(formatSpan(120_000)).toBe('2 min');
    expect(formatSpan(3_600_000 + 5_000)).toBe('1 h 5 s');
    expect(formatSpan(24 * 3_600_000)).toBe('24 h');
  });
});

describe('parseExportProgress', () => {
  const running = { id: 'a1', state: 'running', progress: 0.42, path: '/Exports/Clock.mp4' };

  it('reads running, done and failed pushes', () => {
    expect(parseExportProgress('recordings.export', running)).toEqual(running);
    expect(parseExportProgress('recordings.export', { ...running, state: 'done', progress: 1 })).toEqual({
      ...running,
      state: 'done',
      progress: 1,
    });
    const error = { code: 'EXPORT_FAILED', message: 'The recording could not be made into an MP4.' };
    expect(parseExportProgress('recordings.export', { ...running, state: 'failed', error })).toEqual({
      ...running,
      state: 'failed',
      error,
    });
  });

  it('clamps the progress and ignores a malformed error', () => {
    expect(parseExportProgress('recordings.export', { ...running, progress: 1.5 })?.progress).toBe(1);
    expect(parseExportProgress('recordings.export', { ...running, progress: -1 })?.progress).toBe(0);
    expect(parseExportProgress('recordings.export', { ...running, progress: Number.NaN })?.progress).toBe(0);
    expect(parseExportProgress('recordings.export', { ...running, error: 'broken' })).toEqual(running);
  });

  it('is null for other topics and malformed data', () => {
    expect(parseExportProgress('files.progress', running)).toBeNull();
    expect(parseExportProgress('recordings.export', null)).toBeNull();
    expect(parseExportProgress('recordings.export', [running])).toBeNull();
    expect(parseExportProgress('recordings.export', { ...running, state: 'paused' })).toBeNull();
    expect(parseExportProgress('recordings.export', { ...running, id: 7 })).toBeNull();
    expect(parseExportProgress('recordings.export', { ...running, path: undefined })).toBeNull();
    expect(parseExportProgress('recordings.export', { ...running, progress: '0.5' })).toBeNull();
  });
});

describe('exportFolder', () => {
  it('is the folder the Files page opens to show the file', () => {
    expect(exportFolder('/Exports/Clock 2026-05-01 12.00.00–12.00.08.mp4')).toBe('/Exports');
    expect(exportFolder('/Clock.mp4')).toBe('/');
  });
});

import { describe, expect, it } from 'vitest';
import type { RecordingSettings } from '../api/recordings-api';
import {
  draftFromSettings,
  parseQuotaGiB,
  parseWholeNumber,
  recordingProblems,
  recordingStateText,
  settingsFromDraft,
} from './recording-form';

const settings = (): RecordingSettings => ({
  mode: 'events',
  preRollSeconds: 10,
  postRollSeconds: 20,
  retainDays: 30,
  quotaGiB: null,
  segmentSeconds: 4,
});

const noProblems = (problems: Record<string, string | null>) =>
  Object.values(problems).every((p) => p === null);

describe('recording form', () => {
  it('round-trips the settings it was opened with, no quota as an empty field', () => {
    const draft = draftFromSettings(settings());
    expect(draft).toMatchObject({ preRollSeconds: '10', retainDays: '30', quotaGiB: '' });
    expect(noProblems(recordingProblems(draft))).toBe(true);
    expect(settingsFromDraft(draft, settings())).toEqual(settings());
  });

  it('builds the full body from typed numbers: days, a fractional quota, blank for no quota', () => {
    const draft = draftFromSettings({ ...settings(), quotaGiB: 2 });
    expect(draft.quotaGiB).toBe('2');
    Object.assign(draft, { mode: 'continuous', retainDays: ' 7 ', quotaGiB: '0.5', segmentSeconds: 2 });
    expect(settingsFromDraft(draft, settings())).toEqual({
      ...settings(),
      mode: 'continuous',
      retainDays: 7,
      quotaGiB: 0.5,
      segmentSeconds: 2,
    });
    draft.quotaGiB = '  ';
    expect(settingsFromDraft(draft, settings()).quotaGiB).toBeNull();
  });

  it('gives a row from before retention the default 30 days', () => {
    const { retainDays: _absent, quotaGiB: _none, ...older } = settings();
    const draft = draftFromSettings(older);
    expect(draft).toMatchObject({ retainDays: '30', quotaGiB: '' });
    expect(settingsFromDraft(draft, older)).toMatchObject({ retainDays: 30, quotaGiB: null });
  });

  it('reads whole numbers only, within the limits', () => {
    const limits = { min: 1, max: 3650 };
    expect(parseWholeNumber(' 12 ', limits)).toBe(12);
    expect(parseWholeNumber('3650', limits)).toBe(3650);
    for (const text of ['', '0', '3651', '1.5', '-1', '+2', '1e2', '0x10', 'seven'])
      expect(parseWholeNumber(text, limits), text).toBeNull();
  });

  it('reads a quota in GiB: blank is none, decimals are fine, anything else is refused', () => {
    expect(parseQuotaGiB('')).toBeNull();
    expect(parseQuotaGiB('2')).toBe(2);
    expect(parseQuotaGiB('1.5')).toBe(1.5);
    expect(parseQuotaGiB('.25')).toBe(0.25);
    expect(parseQuotaGiB('0.001')).toBe(0.001);
    expect(parseQuotaGiB('1000000')).toBe(1_000_000);
    for (const text of ['0', '0.0001', '1000001', '-1', '2 GiB', '1,5', '1e3', 'Infinity', '.'])
      expect(parseQuotaGiB(text), text).toBeUndefined();
  });

  it('says what is wrong, field by field, with the server’s bounds', () => {
    const draft = draftFromSettings(settings());
    Object.assign(draft, { preRollSeconds: '61', postRollSeconds: '301', retainDays: '0', quotaGiB: 'lots' });
    expect(recordingProblems(draft)).toEqual({
      preRoll: 'Enter a whole number of seconds from 0 to 60.',
      postRoll: 'Enter a whole number of seconds from 0 to 300.',
      retainDays: 'Enter a whole number of days from 1 to 3,650.',
      quota: 'Enter a size in GiB from 0.001 to 1,000,000, or leave it empty for no quota.',
    });
  });

  it('ignores the hidden rolls in modes without them, and keeps the stored ones', () => {
    const draft = draftFromSettings(settings());
    Object.assign(draft, { mode: 'continuous', preRollSeconds: '99', postRollSeconds: '5' });
    expect(recordingProblems(draft)).toMatchObject({ preRoll: null, postRoll: null });
    expect(settingsFromDraft(draft, settings())).toMatchObject({ preRollSeconds: 10, postRollSeconds: 5 });
    draft.mode = 'motion';
    expect(recordingProblems(draft).preRoll).not.toBeNull();
  });

  it('describes what the recorder does now', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4);
    expect(recordingStateText({ mode: 'off', state: 'off', reason: null, lastKeptAt: null })).toBe(
      'Not recording.',
    );
    expect(recordingStateText({ mode: 'events', state: 'standby', reason: null, lastKeptAt: null })).toMatch(
      /^Waiting/,
    );
    expect(
      recordingStateText({ mode: 'continuous', state: 'recording', reason: null, lastKeptAt: at }),
    ).toMatch(/^Recording now\. Last kept .*2026/);
    expect(
      recordingStateText({ mode: 'events', state: 'paused', reason: 'vault-full', lastKeptAt: null }),
    ).toMatch(/vault is full/);
    expect(
      recordingStateText({ mode: 'events', state: 'paused', reason: 'vault-locked', lastKeptAt: null }),
    ).toMatch(/vault is locked/);
  });
});

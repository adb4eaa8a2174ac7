// The camera recording form as data: a draft of what the controls hold (numbers as typed), what is wrong with
// it, and the PUT body built from it. The server checks everything again; these checks explain a problem next
// to its control before a round trip.
import type { RecordingMode, RecordingSettings } from '../api/recordings-api';
import type { Camera } from '../api/types';
import { formatDateTime } from './format';

export interface RecordingDraft {
  mode: RecordingMode;
  /** Seconds, as typed. */
  preRollSeconds: string;
  postRollSeconds: string;
  segmentSeconds: number;
  /** Days, as typed. */
  retainDays: string;
  /** GiB, as typed; '' = no quota. */
  quotaGiB: string;
}

export type RecordingField = 'preRoll' | 'postRoll' | 'retainDays' | 'quota';

/** The server's limits (server/recordings/recording-settings.ts, RecordingSettingsSchema). */
export const RECORDING_LIMITS = {
  preRollSeconds: { min: 0, max: 60 },
  postRollSeconds: { min: 0, max: 300 },
  segmentSeconds: { min: 2, max: 6 },
  retainDays: { min: 1, max: 3650 },
  quotaGiB: { min: 0.001, max: 1_000_000 },
} as const;

/** Every segment length the server accepts, in seconds. */
export const SEGMENT_CHOICES = [2, 3, 4, 5, 6] as const;

/** Used when a stored row predates the retention fields (the server's own default). */
const DEFAULT_RETAIN_DAYS = 30;

/** What each mode keeps, in words for the household. */
export const MODE_TEXT: Record<RecordingMode, { label: string; hint: string }> = {
  off: { label: 'Off', hint: 'Nothing new is recorded. What was already kept stays until it is due to go.' },
  events: {
    label: 'Events',
    hint: 'Keeps what detection notices (a person, a car, …), with a few seconds before and after.',
  },
  motion: {
    label: 'Any movement',
    hint: 'Keeps every moment something moves in the picture, even when nothing is recognised.',
  },
  continuous: { label: 'All the time', hint: 'Keeps everything, day and night. Uses the most space.' },
};

/** Whether the mode keeps footage around moments, so the pre- and post-roll apply. */
export function usesRolls(mode: RecordingMode): boolean {
  return mode === 'events' || mode === 'motion';
}

export function draftFromSettings(settings: RecordingSettings): RecordingDraft {
  return {
    mode: settings.mode,
    preRollSeconds: String(settings.preRollSeconds),
    postRollSeconds: String(settings.postRollSeconds),
    segmentSeconds: settings.segmentSeconds,
    retainDays: String(settings.retainDays ?? DEFAULT_RETAIN_DAYS),
    quotaGiB: settings.quotaGiB == null ? '' : String(settings.quotaGiB),
  };
}

/** A whole number within the limits, or null (blank, a fraction, a sign, an exponent, out of range). */
export function parseWholeNumber(text: string, limits: { min: number; max: number }): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= limits.min && value <= limits.max ? value : null;
}

/**
 * The quota in GiB: null for a blank field (no quota), a number within the limits, or undefined when the text
 * is not one ("2", "0.5" and ".5" are; "2 GiB", "1e3", "-1" and "1,5" are not).
 */
export function parseQuotaGiB(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  const { min, max } = RECORDING_LIMITS.quotaGiB;
  return value >= min && value <= max ? value : undefined;
}

const wholeProblem = (text: string, limits: { min: number; max: number }, unit: string) =>
  parseWholeNumber(text, limits) === null
    ? `Enter a whole number of ${unit} from ${limits.min} to ${limits.max.toLocaleString('en')}.`
    : null;

export function recordingProblems(draft: RecordingDraft): Record<RecordingField, string | null> {
  const rolls = usesRolls(draft.mode);
  const quota = RECORDING_LIMITS.quotaGiB;
  return {
    preRoll: rolls ? wholeProblem(draft.preRollSeconds, RECORDING_LIMITS.preRollSeconds, 'seconds') : null,
    postRoll: rolls ? wholeProblem(draft.postRollSeconds, RECORDING_LIMITS.postRollSeconds, 'seconds') : null,
    retainDays: wholeProblem(draft.retainDays, RECORDING_LIMITS.retainDays, 'days'),
    quota:
      parseQuotaGiB(draft.quotaGiB) === undefined
        ? `Enter a size in GiB from ${quota.min} to ${quota.max.toLocaleString('en')}, or leave it empty for no quota.`
        : null,
  };
}

/**
 * The full settings the draft describes (call after recordingProblems found nothing). The rolls are hidden in
 * modes that do not use them; whatever they hold then, the stored values (`saved`) are kept unless valid.
 */
export function settingsFromDraft(draft: RecordingDraft, saved: RecordingSettings): RecordingSettings {
  const { preRollSeconds, postRollSeconds, retainDays } = RECORDING_LIMITS;
  const quota = parseQuotaGiB(draft.quotaGiB);
  return {
    mode: draft.mode,
    preRollSeconds: parseWholeNumber(draft.preRollSeconds, preRollSeconds) ?? saved.preRollSeconds,
    postRollSeconds: parseWholeNumber(draft.postRollSeconds, postRollSeconds) ?? saved.postRollSeconds,
    segmentSeconds: draft.segmentSeconds,
    retainDays: parseWholeNumber(draft.retainDays, retainDays) ?? saved.retainDays ?? DEFAULT_RETAIN_DAYS,
    quotaGiB: quota === undefined ? (saved.quotaGiB ?? null) : quota,
  };
}

/** What the recorder does with the camera now, as one sentence (from the camera list's `recording`). */
export function recordingStateText(recording: Camera['recording']): string {
  const last =
    recording.lastKeptAt === null
      ? ''
      : ` Last kept ${formatDateTime(new Date(recording.lastKeptAt).toISOString())}.`;
  switch (recording.state) {
    case 'off':
      return `Not recording.${last}`;
    case 'standby':
      return `Waiting: footage is kept when something happens.${last}`;
    case 'recording':
      return `Recording now.${last}`;
    case 'paused':
      return recording.reason === 'vault-full'
        ? `Paused: the vault is full. Free some space to record again.${last}`
        : `Paused: the vault is locked. Recording resumes once an admin unlocks it.${last}`;
  }
}

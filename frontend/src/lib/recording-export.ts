// Exporting a stretch of recording as an MP4, as arithmetic and parsing: the range the user marks at the playhead
// (start and end set one at a time, in either order), whether it can be exported, and the progress the server
// pushes on the live socket (topic `recordings.export`). Pure, so the page and its tests agree.
import type { EXPORT_TOPIC as SERVER_EXPORT_TOPIC } from '../../../server/recordings/recordings-export.schemas';
import type { ExportProgress } from '../api/recordings-export-api';
import { parentPath } from './file-paths';

/** The /api/ws topic of an export's progress; typed as the server's, so a rename there fails to compile here. */
export const EXPORT_TOPIC: typeof SERVER_EXPORT_TOPIC = 'recordings.export';
/** The longest export the server takes at once (MAX_EXPORT_SPAN_MS there): a day. */
export const MAX_EXPORT_MS = 24 * 3_600_000;
/** Shorter than this is almost surely a slip: a segment is 2–6 s and the export takes whole ones anyway. */
export const MIN_EXPORT_MS = 1_000;

/** The marked range; either end may be unset yet. Epoch ms, `from` inclusive, `to` exclusive. */
export interface ExportRange {
  from: number | null;
  to: number | null;
}

export const NO_RANGE: ExportRange = { from: null, to: null };

/**
 * The range with its start at `at`. A start at or after the end would make no range: the old end is dropped
 * then, so the user sets a new one rather than seeing the ends swapped under them.
 */
export function withStart(range: ExportRange, at: number): ExportRange {
  return { from: at, to: range.to !== null && range.to > at ? range.to : null };
}

/** The range with its end at `at`; an end at or before the start drops the start (see withStart). */
export function withEnd(range: ExportRange, at: number): ExportRange {
  return { from: range.from !== null && range.from < at ? range.from : null, to: at };
}

/** What the timeline draws: the whole range, or a line at the one end set so far; null when nothing is set. */
export function shownRange(range: ExportRange): { from: number; to: number } | null {
  const from = range.from ?? range.to;
  const to = range.to ?? range.from;
  return from === null || to === null ? null : { from, to };
}

/** Why the range cannot be exported yet, as a sentence; null when it can. */
export function rangeProblem(range: ExportRange): string | null {
  if (range.from === null && range.to === null)
    return 'Play to where the export should begin and choose “Set start”, then the same for its end.';
  if (range.from === null) return 'Set where the export begins.';
  if (range.to === null) return 'Set where the export ends.';
  const span = range.to - range.from;
  if (span < MIN_EXPORT_MS) return 'The range is shorter than a second. Move its end further on.';
  if (span > MAX_EXPORT_MS) return 'Export at most 24 hours at a time. Choose a shorter range.';
  return null;
}

/** A span as "1 h 2 min 5 s", "42 s": what the range covers, beside its ends. */
export function formatSpan(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts = [
    hours > 0 ? `${hours} h` : null,
    minutes > 0 ? `${minutes} min` : null,
    seconds > 0 || total === 0 ? `${seconds} s` : null,
  ];
  return parts.filter((part) => part !== null).join(' ');
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a `recordings.export` push defensively (socket data is unknown JSON); null for anything else. */
export function parseExportProgress(topic: string, data: unknown): ExportProgress | null {
  if (topic !== EXPORT_TOPIC || !isRecord(data)) return null;
  const { id, state, progress, path, error } = data;
  if (typeof id !== 'string' || typeof path !== 'string' || typeof progress !== 'number') return null;
  if (state !== 'running' && state !== 'done' && state !== 'failed') return null;
  const clamped = Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0;
  const parsed: ExportProgress = { id, state, progress: clamped, path };
  if (isRecord(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string')
    parsed.error = { code: error['code'], message: error['message'] };
  return parsed;
}

/** The folder of the Files page that shows the exported file (the file manager opens folders, not files). */
export function exportFolder(path: string): string {
  return parentPath(path);
}

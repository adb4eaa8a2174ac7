/**
 * What an exported MP4 is called in the file manager: `<camera name> <start> - <end>.mp4`, in the appliance's
 * local time, with dots for the colons (Windows and macOS turn a colon in a downloaded name into something else).
 * The camera's name is the owner's text, so it is cleaned to pass the file manager's name rules
 * (server/files/path-safety.ts); when nothing acceptable is left, the camera's number stands in for it.
 */
import { isSafeName, MAX_NAME_BYTES } from '../files/path-safety.js';

/** The folder of `files/` exports go in, as an API path. */
export const EXPORTS_FOLDER = '/Exports';
/** Longest camera name kept in a file name, in characters (the times and " (n).mp4" need room too). */
const CAMERA_PART_MAX = 80;

// Control and direction-override characters, slashes and their look-alikes: never part of a name.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\\/\u2215\u2044\u29f8\uff0f\uff3c\ufe68%:]/gu;

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (at: Date) => `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
const localTime = (at: Date) => `${pad(at.getHours())}.${pad(at.getMinutes())}.${pad(at.getSeconds())}`;

/** `2026-12-09 12.00.00 - 12.10.00`, or with both days when the span crosses midnight (local time). */
export function localSpan(from: number, to: number): string {
  const start = new Date(from);
  const end = new Date(to);
  const last = localDay(start) === localDay(end) ? localTime(end) : `${localDay(end)} ${localTime(end)}`;
  return `${localDay(start)} ${localTime(start)} - ${last}`;
}

/** The camera's name made fit for a file name, or null when nothing acceptable is left of it. */
function cameraPart(name: string): string | null {
  const cleaned = Array.from(
    name
      .normalize('NFC')
      .replace(UNSAFE, ' ')
      .replace(/\s+/gu, ' ')
      .replace(/^[\s~.]+/u, '')
      .trim(),
  ) // code points, so the cut never splits a surrogate pair
    .slice(0, CAMERA_PART_MAX)
    .join('')
    .replace(/[\s.]+$/u, '');
  return cleaned === '' ? null : cleaned;
}

/** The export's file name (before any " (2)"), always one the file manager accepts. */
export function exportFileName(camera: { id: number; name: string }, from: number, to: number): string {
  const span = localSpan(from, to);
  const named = cameraPart(camera.name);
  const candidate = named === null ? null : `${named} ${span}.mp4`;
  if (candidate !== null && isSafeName(candidate) && Buffer.byteLength(candidate) <= MAX_NAME_BYTES - 8)
    return candidate;
  return `Camera ${camera.id} ${span}.mp4`;
}

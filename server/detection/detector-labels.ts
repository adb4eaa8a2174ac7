/**
 * A detector's label list as an admin gives it: one label per line (blank lines and surrounding spaces
 * dropped), or a JSON array of strings. Labels are what events and camera settings name, so they must be
 * distinct, printable and short.
 */
import { validationFailed } from '../errors.js';

export const MAX_LABELS = 1000;
const MAX_LABEL_LENGTH = 64;
// Control characters would end up in event rows and on the Events page.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseLabels(text: string): string[] {
  const trimmed = text.trim();
  let labels: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw validationFailed(
        'labels: expected a JSON array of strings or one label per line, found broken JSON',
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((v): v is string => typeof v === 'string')) {
      throw validationFailed('labels: expected a JSON array of strings');
    }
    labels = parsed.map((v) => v.trim());
  } else {
    labels = trimmed
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  }
  if (labels.length === 0) throw validationFailed('labels: expected at least one label, found none');
  if (labels.length > MAX_LABELS) {
    throw validationFailed(`labels: expected at most ${MAX_LABELS}, found ${labels.length}`);
  }
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (label === '' || label.length > MAX_LABEL_LENGTH || CONTROL.test(label)) {
      throw validationFailed(
        `labels: label ${index + 1} must have 1 to ${MAX_LABEL_LENGTH} printable characters`,
      );
    }
    if (seen.has(label)) throw validationFailed(`labels: "${label}" is listed twice`);
    seen.add(label);
  });
  return labels;
}

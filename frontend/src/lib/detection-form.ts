// The camera detection form as data: a draft of what the controls hold, what is wrong with it, and the PUT
// body built from it. The server checks everything again (with its own codes); these checks explain problems
// next to the control before a round trip.
import type {
  CameraDetection,
  CameraDetectionRequest,
  DetectionSettings,
  DetectionZone,
} from '../api/detection-api';
import type { Polygon } from './zone-geometry';

export interface DetectionDraft {
  detect: boolean;
  mode: DetectionSettings['mode'];
  /** Tracked labels. */
  labels: string[];
  /** A label's own minimum score as typed ('' = the default score). */
  ownScores: Record<string, string>;
  defaultScore: number;
  sensitivity: number;
  /** Smallest motion, in percent of the picture, as typed. */
  minAreaPercent: string;
  faces: boolean;
  fps: number;
  idleFps: number;
  maxWidth: number;
  zones: DetectionZone[];
  masks: Polygon[];
}

export type DetectionField = 'labels' | 'scores' | 'minArea' | 'idleFps' | 'zones';

/** The server's limits (server/detection/detection-settings.schemas.ts). */
export const SCORE_RANGE = { min: 0.1, max: 0.99 } as const;
export const MIN_AREA_PERCENT = { min: 0.01, max: 50 } as const;
export const ZONE_NAME_MAX = 40;
export const FPS_CHOICES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const IDLE_FPS_CHOICES = [0.2, 0.5, 1, 2, 3, 4, 5] as const;
export const WIDTH_CHOICES = [160, 320, 480, 640, 800, 960, 1280] as const;

/** The choices plus the current value when it is not one of them (set through the API), in order. */
export function withCurrent(choices: readonly number[], current: number): number[] {
  return choices.includes(current) ? [...choices] : [...choices, current].sort((a, b) => a - b);
}

/** Percent with at most two decimals, without a trailing ".00" (0.0005 → "0.05"). */
const percent = (share: number) => String(Math.round(share * 10_000) / 100);

export function draftFromSettings(detect: boolean, settings: DetectionSettings): DetectionDraft {
  return {
    detect,
    mode: settings.mode,
    labels: [...settings.labels],
    ownScores: Object.fromEntries(Object.entries(settings.minScore).map(([l, s]) => [l, String(s)])),
    defaultScore: settings.defaultScore,
    sensitivity: settings.motion.sensitivity,
    minAreaPercent: percent(settings.motion.minArea),
    faces: settings.faces,
    fps: settings.frames.fps,
    idleFps: settings.frames.idleFps,
    maxWidth: settings.frames.maxWidth,
    zones: settings.zones.map((z) => ({ name: z.name, polygon: z.polygon.map((p) => ({ ...p })) })),
    masks: settings.motion.masks.map((m) => m.map((p) => ({ ...p }))),
  };
}

export function draftFromDetection(detection: CameraDetection): DetectionDraft {
  return draftFromSettings(detection.detect, detection.settings);
}

/** Keeps the tracked labels in the detector's order, so the stored list does not depend on click order. */
export function toggleLabel(
  draft: DetectionDraft,
  label: string,
  on: boolean,
  order: readonly string[],
): void {
  const next = new Set(draft.labels);
  if (on) next.add(label);
  else {
    next.delete(label);
    // A threshold for a label no longer tracked is refused by the server; it goes with the label.
    const { [label]: _dropped, ...rest } = draft.ownScores;
    draft.ownScores = rest;
  }
  draft.labels = order.filter((l) => next.has(l));
}

function scoreProblem(text: string): string | null {
  const value = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(value)) return 'a number';
  if (value < SCORE_RANGE.min || value > SCORE_RANGE.max) return `${SCORE_RANGE.min} to ${SCORE_RANGE.max}`;
  return null;
}

export function zoneProblem(zones: readonly DetectionZone[]): string | null {
  const seen = new Set<string>();
  for (const [index, zone] of zones.entries()) {
    const name = zone.name.trim();
    if (name === '') return `Zone ${index + 1} needs a name.`;
    if (name.length > ZONE_NAME_MAX) return `Zone names have at most ${ZONE_NAME_MAX} characters.`;
    if (seen.has(name.toLowerCase())) return `Two zones are called “${name}”: give each its own name.`;
    seen.add(name.toLowerCase());
  }
  return null;
}

export function detectionProblems(draft: DetectionDraft): Record<DetectionField, string | null> {
  const badScore = Object.entries(draft.ownScores).find(
    ([, text]) => text.trim() !== '' && scoreProblem(text) !== null,
  );
  const area = Number(draft.minAreaPercent.trim());
  return {
    labels:
      draft.mode === 'objects' && draft.labels.length === 0
        ? 'Choose at least one thing to detect, or switch to motion only.'
        : null,
    scores: badScore
      ? `The minimum score for ${badScore[0]} must be ${scoreProblem(badScore[1]) ?? ''}.`
      : null,
    minArea:
      draft.minAreaPercent.trim() === '' ||
      Number.isNaN(area) ||
      area < MIN_AREA_PERCENT.min ||
      area > MIN_AREA_PERCENT.max
        ? `Enter ${MIN_AREA_PERCENT.min} to ${MIN_AREA_PERCENT.max} percent of the picture.`
        : null,
    idleFps:
      draft.idleFps > draft.fps
        ? 'The rate while nothing moves must not be above the rate while something moves.'
        : null,
    zones: zoneProblem(draft.zones),
  };
}

/** The settings the draft describes (call after detectionProblems found nothing). */
export function settingsFromDraft(draft: DetectionDraft): DetectionSettings {
  const tracked = new Set(draft.labels);
  const minScore = Object.fromEntries(
    Object.entries(draft.ownScores)
      .filter(([label, text]) => tracked.has(label) && text.trim() !== '')
      .map(([label, text]) => [label, Number(text.trim())]),
  );
  return {
    mode: draft.mode,
    labels: [...draft.labels],
    minScore,
    defaultScore: draft.defaultScore,
    motion: {
      sensitivity: draft.sensitivity,
      // Back to a share, rounded like the percent it was typed as (0.05 % → 0.0005).
      minArea: Math.round(Number(draft.minAreaPercent.trim()) * 100) / 10_000,
      masks: draft.masks.map((m) => m.map((p) => ({ x: p.x, y: p.y }))),
    },
    zones: draft.zones.map((z) => ({ name: z.name.trim(), polygon: z.polygon.map((p) => ({ ...p })) })),
    faces: draft.faces,
    frames: { fps: draft.fps, idleFps: draft.idleFps, maxWidth: draft.maxWidth },
  };
}

export function requestFromDraft(draft: DetectionDraft): CameraDetectionRequest {
  return { detect: draft.detect, settings: settingsFromDraft(draft) };
}

/** Whether saving the draft cuts the camera's picture for a moment (the camera worker restarts). */
export function restartsCamera(draft: DetectionDraft, saved: CameraDetection): boolean {
  if (draft.detect !== saved.detect) return true;
  if (!draft.detect) return false;
  const frames = saved.settings.frames;
  return draft.fps !== frames.fps || draft.idleFps !== frames.idleFps || draft.maxWidth !== frames.maxWidth;
}

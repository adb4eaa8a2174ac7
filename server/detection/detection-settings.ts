/**
 * A camera's detection settings between the admin, the database and the workers: the checks its schema cannot
 * express (each a 400 with its own code), reading the stored JSON, and the two views the workers get — the
 * inference worker's CameraAnalysis and the camera worker's analysis-frame rate and size.
 */
import { Compile } from 'typebox/compile';
import { COCO_LABELS } from '../../inference/models/coco-labels.js';
import type { CameraAnalysis } from '../../inference/protocol.js';
import type { AnalysisSettings } from '../../media/protocol.js';
import { AppError } from '../errors.js';
import { defaultDetectionSettings } from './analysis-defaults.js';
import { DetectionSettingsSchema, type DetectionSettings } from './detection-settings.schemas.js';

type Polygon = DetectionSettings['zones'][number]['polygon'];

/** The labels the shipped object detector emits: what camera settings may name unless told otherwise. */
export const KNOWN_LABELS: readonly string[] = COCO_LABELS;

/** A polygon smaller than this share of the picture is a slip of the mouse (or points on one line). */
const MIN_POLYGON_AREA = 0.0001;
// Control characters: a zone's name is shown in lists and event filters, and is matched exactly.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const invalid = (code: string, message: string) => new AppError(code, 400, message);

/** Shoelace formula, in normalised units (1 = the whole picture). */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j];
    const b = polygon[i];
    if (a && b) twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

function checkLabel(label: string, where: string, known: ReadonlySet<string>): void {
  if (!known.has(label)) {
    throw invalid(
      'UNKNOWN_LABEL',
      `${where} "${label}" is not a label the object detector knows; use COCO labels such as person, car or dog.`,
    );
  }
}

function checkPolygon(polygon: Polygon, what: string): void {
  if (polygonArea(polygon) < MIN_POLYGON_AREA) {
    throw invalid(
      'INVALID_POLYGON',
      `${what} encloses (almost) no area: its points lie on one line or too close together.`,
    );
  }
}

/**
 * What the schema cannot say, checked in order so the first problem is the one reported. Returns the settings
 * as they are stored (zone names trimmed). `knownLabels` are those of the detector the cameras run.
 */
export function checkDetectionSettings(
  settings: DetectionSettings,
  knownLabels: readonly string[] = KNOWN_LABELS,
): DetectionSettings {
  const known = new Set(knownLabels);
  for (const label of settings.labels) checkLabel(label, 'Label', known);
  if (settings.mode === 'objects' && settings.labels.length === 0) {
    throw invalid('NO_LABELS', 'Choose at least one label to track, or set the camera to motion only.');
  }
  const tracked = new Set(settings.labels);
  for (const label of Object.keys(settings.minScore)) {
    checkLabel(label, 'The score threshold for', known);
    if (!tracked.has(label)) {
      throw invalid(
        'SCORE_FOR_UNTRACKED_LABEL',
        `There is a score threshold for "${label}", which is not tracked: track it or drop its threshold.`,
      );
    }
  }
  settings.motion.masks.forEach((mask, index) => checkPolygon(mask, `Mask ${index + 1}`));
  const names = new Set<string>();
  const zones = settings.zones.map((zone, index) => {
    const name = zone.name.trim();
    if (name === '' || CONTROL.test(name)) {
      throw invalid(
        'INVALID_ZONE_NAME',
        `Zone ${index + 1} needs a name of visible characters (at most 40, no line breaks).`,
      );
    }
    if (names.has(name.toLowerCase())) {
      throw invalid('DUPLICATE_ZONE_NAME', `Two zones are called "${name}"; zone names must differ.`);
    }
    names.add(name.toLowerCase());
    checkPolygon(zone.polygon, `Zone "${name}"`);
    return { name, polygon: zone.polygon };
  });
  if (settings.frames.idleFps > settings.frames.fps) {
    throw invalid(
      'IDLE_FPS_ABOVE_FPS',
      `The idle rate (${settings.frames.idleFps} frames/s) is above the rate while something moves (${settings.frames.fps}); it must not be.`,
    );
  }
  return { ...settings, zones };
}

const storedShape = Compile(DetectionSettingsSchema);

/**
 * The settings a camera runs with: its stored ones, or the defaults when it has none. Only Vigil writes the
 * column, after checkDetectionSettings, so only the shape is checked again: a value that no longer reads (a
 * downgrade, a hand edit of the database) falls back to the defaults rather than keeping the camera from
 * starting. A label the running detector does not know is kept: it simply never matches.
 */
export function readDetectionSettings(stored: string | null): DetectionSettings {
  if (stored === null) return defaultDetectionSettings();
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    // The column is checked to hold valid JSON; should it not, the defaults, as documented above.
    return defaultDetectionSettings();
  }
  return storedShape.Check(parsed) ? parsed : defaultDetectionSettings();
}

/** What the inference worker analyses a camera's frames with. */
export function toCameraAnalysis(cameraId: number, settings: DetectionSettings): CameraAnalysis {
  return {
    cameraId,
    mode: settings.mode,
    labels: [...settings.labels],
    minScore: { ...settings.minScore },
    defaultScore: settings.defaultScore,
    motion: {
      sensitivity: settings.motion.sensitivity,
      minArea: settings.motion.minArea,
      masks: settings.motion.masks.map((mask) => mask.map((p) => ({ x: p.x, y: p.y }))),
    },
    zones: settings.zones.map((zone) => ({
      name: zone.name,
      polygon: zone.polygon.map((p) => ({ x: p.x, y: p.y })),
    })),
    faces: settings.faces,
  };
}

/** How the camera worker sends frames to the inference worker's socket: a change restarts the camera. */
export function toAnalysisSettings(socket: string, settings: DetectionSettings): AnalysisSettings {
  return {
    socket,
    maxWidth: settings.frames.maxWidth,
    fps: settings.frames.fps,
    idleFps: settings.frames.idleFps,
  };
}

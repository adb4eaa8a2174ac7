import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Database } from '../db/schema.js';
import { defaultDetectionSettings } from '../detection/analysis-defaults.js';
import type {
  CameraDetection,
  CameraDetectionInput,
  DetectionSettings,
} from '../detection/detection-settings.schemas.js';
import {
  checkDetectionSettings,
  KNOWN_LABELS,
  readDetectionSettings,
} from '../detection/detection-settings.js';
import { notFound } from '../errors.js';
import type { Actor } from '../users/users.service.js';
import type { CameraFleet } from './camera-fleet.js';
import { createCamerasRepository, type CameraRow } from './cameras.repository.js';

const summary = (detect: boolean, settings: DetectionSettings, custom: boolean) =>
  [
    detect ? 'on' : 'off',
    settings.mode,
    custom ? `${settings.zones.length} zones, ${settings.motion.masks.length} masks` : 'defaults',
    `${settings.frames.fps} fps, ${settings.frames.maxWidth} px`,
  ].join(', ');

/**
 * A camera's detection: on or off, and the settings it runs with. Saving checks everything before it writes
 * (nothing partial), stores one row update, then brings the fleet in line: new labels, thresholds, zones or
 * masks go to the inference worker at once; a new analysis rate or size restarts only that camera's worker.
 */
export function createCameraDetectionService(deps: {
  db: Kysely<Database>;
  audit: AuditRepository;
  fleet: CameraFleet | null;
  now: () => Date;
  /** The labels the cameras' object detector knows; default the shipped one's (COCO). */
  knownLabels?: () => readonly string[];
}) {
  const { audit, fleet, now } = deps;
  const knownLabels = deps.knownLabels ?? (() => KNOWN_LABELS);
  const cameras = createCamerasRepository(deps.db);
  const view = (row: CameraRow): CameraDetection => ({
    cameraId: row.id,
    detect: row.detect === 1,
    custom: row.detection_settings !== null,
    settings: readDetectionSettings(row.detection_settings),
    defaults: defaultDetectionSettings(),
    knownLabels: [...knownLabels()],
  });

  return {
    get: async (id: number): Promise<CameraDetection> => {
      const row = await cameras.findById(id);
      if (!row) throw notFound('Camera');
      return view(row);
    },

    set: async (actor: Actor, id: number, input: CameraDetectionInput): Promise<CameraDetection> => {
      const settings =
        input.settings === undefined ? null : checkDetectionSettings(input.settings, knownLabels());
      const row = await cameras.update(id, {
        detect: input.detect ? 1 : 0,
        detection_settings: settings === null ? null : JSON.stringify(settings),
        updated_at: now().toISOString(),
      });
      if (!row) throw notFound('Camera');
      await audit.record({
        action: 'camera.detection',
        userId: actor.user.userId,
        username: actor.user.username,
        ip: actor.ip,
        detail: `${row.name}: ${summary(input.detect, settings ?? defaultDetectionSettings(), settings !== null)}`,
      });
      await fleet?.apply(row);
      return view(row);
    },
  };
}
export type CameraDetectionService = ReturnType<typeof createCameraDetectionService>;

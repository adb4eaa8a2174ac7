import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Database } from '../db/schema.js';
import { notFound } from '../errors.js';
import {
  DEFAULT_RECORDING,
  RECORDING_MODES,
  readRecordingSettings,
  type RecordingSettings,
} from '../recordings/recording-settings.js';
import type { CameraRecording } from '../recordings/recordings.schemas.js';
import type { Actor } from '../users/users.service.js';
import type { CameraFleet } from './camera-fleet.js';
import { createCamerasRepository, type CameraRow } from './cameras.repository.js';

const summary = (settings: RecordingSettings) =>
  [
    settings.mode,
    `${settings.preRollSeconds} s before`,
    `${settings.postRollSeconds} s after`,
    `${settings.segmentSeconds} s segments`,
    `kept ${settings.retainDays ?? DEFAULT_RECORDING.retainDays} days`,
    settings.quotaGiB == null ? 'no quota' : `at most ${settings.quotaGiB} GiB`,
  ].join(', ');

/**
 * A camera's recording settings: what is kept (off, around events, around motion, everything), the pre- and
 * post-roll, and the segment length. The schema checks every field, so saving is one row update; the fleet
 * then reads the column and brings the camera's recorder in line.
 */
export function createCameraRecordingService(deps: {
  db: Kysely<Database>;
  audit: AuditRepository;
  fleet: CameraFleet | null;
  now: () => Date;
}) {
  const { audit, fleet, now } = deps;
  const cameras = createCamerasRepository(deps.db);
  const view = (row: CameraRow): CameraRecording => ({
    settings: readRecordingSettings(row.recording_settings),
    defaults: { ...DEFAULT_RECORDING },
    modes: [...RECORDING_MODES],
  });

  return {
    get: async (id: number): Promise<CameraRecording> => {
      const row = await cameras.findById(id);
      if (!row) throw notFound('Camera');
      return view(row);
    },

    set: async (actor: Actor, id: number, given: RecordingSettings): Promise<CameraRecording> => {
      // A PUT replaces the settings: what it leaves out (the optional retention fields) is the default.
      const settings: RecordingSettings = { ...DEFAULT_RECORDING, ...given };
      const row = await cameras.update(id, {
        recording_settings: JSON.stringify(settings),
        updated_at: now().toISOString(),
      });
      if (!row) throw notFound('Camera');
      await audit.record({
        action: 'camera.recording',
        userId: actor.user.userId,
        username: actor.user.username,
        ip: actor.ip,
        detail: `${row.name}: ${summary(settings)}`,
      });
      await fleet?.apply(row);
      return view(row);
    },
  };
}
export type CameraRecordingService = ReturnType<typeof createCameraRecordingService>;

import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { CameraKind, Database } from '../db/schema.js';
import { AppError, notFound, validationFailed } from '../errors.js';
import type { Actor } from '../users/users.service.js';
import type { CameraFleet } from './camera-fleet.js';
import type { CameraProber, ProbeResult } from './camera-probe.js';
import { checkCameraSource, workerSource, type CameraSourceInput } from './camera-source.js';
import { toCameraView, type CameraView } from './camera-views.js';
import { createCamerasRepository, type CameraRow } from './cameras.repository.js';
import type { RecordingStatus } from '../recordings/recorder.js';

/** Without media nothing records. */
const OFF_RECORDING: RecordingStatus = { mode: 'off', state: 'off', reason: null, lastKeptAt: null };

export interface CameraInput extends Omit<CameraSourceInput, 'kind'> {
  name: string;
  kind: CameraKind;
  enabled?: boolean | undefined;
  detect?: boolean | undefined;
}
export type CameraPatch = Partial<Omit<CameraInput, 'kind'>>;

/**
 * Cameras: stored rows plus their live state. Writes go to the database first, then the fleet is brought in
 * line (a source change restarts that camera's worker, disabling stops it, deleting removes its mountpoint).
 * Without a fleet (tests that do not ask for media) cameras are stored and listed but nothing runs.
 */
export function createCamerasService(deps: {
  db: Kysely<Database>;
  audit: AuditRepository;
  mediaDir: string;
  fleet: CameraFleet | null;
  prober: CameraProber | null;
  now: () => Date;
}) {
  const { audit, mediaDir, fleet, prober, now } = deps;
  const cameras = createCamerasRepository(deps.db);
  const removedListeners = new Set<(cameraId: number) => void>();
  const view = (row: CameraRow): CameraView =>
    toCameraView(row, fleet?.runtime(row.id), fleet?.recording(row) ?? OFF_RECORDING);
  const record = (actor: Actor, action: string, detail: string) =>
    audit.record({ action, userId: actor.user.userId, username: actor.user.username, ip: actor.ip, detail });
  const existing = async (id: number) => {
    const row = await cameras.findById(id);
    if (!row) throw notFound('Camera');
    return row;
  };
  const mustProbe = (): CameraProber => {
    if (prober) return prober;
    throw new AppError('MEDIA_UNAVAILABLE', 503, 'Probing needs the media service, which is not running.');
  };
  const cleanName = (name: string) => {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 64)
      throw validationFailed('Camera names are 1 to 64 characters.');
    return trimmed;
  };

  return {
    list: async (): Promise<CameraView[]> => (await cameras.list()).map(view),
    get: async (id: number): Promise<CameraView> => view(await existing(id)),
    exists: async (id: number): Promise<boolean> => (await cameras.findById(id)) !== undefined,
    watchable: async (id: number): Promise<boolean> => (await cameras.findById(id))?.enabled === 1,
    /** Called when a camera is deleted, before its mountpoint goes (live viewers are told first). */
    onRemoved: (listener: (cameraId: number) => void): void => {
      removedListeners.add(listener);
    },

    create: async (actor: Actor, input: CameraInput): Promise<CameraView> => {
      const source = checkCameraSource(input, mediaDir);
      const at = now().toISOString();
      const row = await cameras.insert({
        ...source,
        name: cleanName(input.name),
        enabled: input.enabled === false ? 0 : 1,
        detect: input.detect === true ? 1 : 0,
        created_at: at,
        updated_at: at,
      });
      await record(actor, 'camera.created', `${row.name} (${row.kind})`);
      await fleet?.apply(row);
      return view(row);
    },

    update: async (actor: Actor, id: number, patch: CameraPatch): Promise<CameraView> => {
      const current = await existing(id);
      const merged: CameraSourceInput = {
        kind: current.kind,
        url: patch.url ?? current.url ?? undefined,
        device: patch.device ?? current.device ?? undefined,
        path: patch.path ?? current.path ?? undefined,
        // undefined keeps the stored credential, null clears it, a string replaces it.
        username: patch.username === undefined ? current.username : patch.username,
        password: patch.password === undefined ? current.password : patch.password,
        // Hints: undefined keeps the stored one, null clears it, a number replaces it.
        width: patch.width === undefined ? current.width : patch.width,
        height: patch.height === undefined ? current.height : patch.height,
        fps: patch.fps === undefined ? current.fps : patch.fps,
        transport: patch.transport ?? current.rtsp_transport,
        latencyMs: patch.latencyMs ?? current.latency_ms,
      };
      const source = checkCameraSource(merged, mediaDir);
      const row = await cameras.update(id, {
        ...source,
        ...(patch.name === undefined ? {} : { name: cleanName(patch.name) }),
        ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.detect === undefined ? {} : { detect: patch.detect ? 1 : 0 }),
        updated_at: now().toISOString(),
      });
      if (!row) throw notFound('Camera');
      await record(actor, 'camera.updated', row.name);
      await fleet?.apply(row);
      return view(row);
    },

    remove: async (actor: Actor, id: number): Promise<void> => {
      const current = await existing(id);
      await cameras.delete(id);
      for (const listener of removedListeners) listener(id);
      await fleet?.remove(id);
      await record(actor, 'camera.deleted', current.name);
    },

    probe: async (input: CameraSourceInput): Promise<ProbeResult> => {
      const fields = checkCameraSource(input, mediaDir);
      const run = mustProbe();
      const at = now().toISOString();
      const row: CameraRow = {
        ...fields,
        id: 0,
        name: 'probe',
        enabled: 1,
        detect: 0,
        detection_settings: null,
        recording_settings: null,
        created_at: at,
        updated_at: at,
      };
      return run(workerSource(row, mediaDir));
    },

    /** Tries a saved camera's source with its stored credentials, so nobody retypes a password to test it. */
    probeSaved: async (id: number): Promise<ProbeResult> => {
      const row = await existing(id);
      return mustProbe()(workerSource(row, mediaDir));
    },

    /** Starts every enabled camera (at server start). */
    startAll: async (): Promise<void> => {
      if (!fleet) return;
      for (const row of await cameras.list()) await fleet.apply(row);
    },
  };
}
export type CamerasService = ReturnType<typeof createCamerasService>;

/**
 * Runs retention and the reconcile pass at the right moments: reconcile whenever vault.db opens (after a crash
 * the files and the index agree again before anything else reads them), retention right after it, every hour,
 * and on pressure (the recorder asks for room before each copy). Passes never overlap, and a safe lock waits for
 * the one under way (a registered vault writer: deleting is writing). Space below the floor raises an alert on
 * /api/ws (`recordings.alert`) and lowers it again once there is room.
 */
import type Sqlite from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WsHub } from '../ws/ws-hub.js';
import type { VaultService } from '../vault/vault.service.js';
import { reconcileRecordings } from './reconcile.js';
import { readRecordingSettings } from './recording-settings.js';
import {
  createRetention,
  type CameraRetention,
  type RetentionResult,
  type VaultRetention,
} from './retention.js';

const HOUR_MS = 3_600_000;

export type RecordingsAlert = { kind: 'low-space'; freeBytes: number; floorBytes: number } | null;

export function createRetentionKeeper(deps: {
  db: Kysely<Database>;
  vault: VaultService;
  hub: WsHub;
  log: FastifyBaseLogger;
  limits: VaultRetention;
  now?: () => number;
  intervalMs?: number;
}) {
  const { vault, hub, log, limits } = deps;
  const now = deps.now ?? Date.now;
  let running: Promise<RetentionResult | null> = Promise.resolve(null);
  let paused = false;
  let alert: RecordingsAlert = null;
  let last: RetentionResult | null = null;

  function raise(next: RecordingsAlert): void {
    if (JSON.stringify(next) === JSON.stringify(alert)) return;
    const was = alert;
    alert = next;
    if (next) log.warn(next, 'recordings: the vault is below its free-space floor');
    // Lowered only when there was one: a quiet vault sends nothing.
    if (next || was) hub.broadcast({ type: 'event', topic: 'recordings.alert', data: { alert: next } });
  }

  async function cameraLimits(): Promise<CameraRetention[]> {
    const rows = await deps.db.selectFrom('cameras').select(['id', 'recording_settings']).execute();
    return rows.map((row) => {
      const settings = readRecordingSettings(row.recording_settings);
      return {
        cameraId: row.id,
        retainDays: settings.retainDays ?? 30,
        quotaBytes: settings.quotaGiB == null ? null : Math.round(settings.quotaGiB * 1024 ** 3),
      };
    });
  }

  // Its statements are prepared once per open vault.db (as the stores do), not before every segment's copy:
  // makeRoom runs on the recorder's path.
  const retentions = new WeakMap<Sqlite.Database, ReturnType<typeof createRetention>>();
  const retentionOf = (db: Sqlite.Database) => {
    let retention = retentions.get(db);
    if (!retention) retentions.set(db, (retention = createRetention(db, vault.mountPoint, vault.guard)));
    return retention;
  };

  async function pass(reason: string, reserveBytes = 0): Promise<RetentionResult | null> {
    const db = vault.database();
    if (!db || paused) return null;
    const retention = retentionOf(db);
    const result = await retention.run(await cameraLimits(), limits, now(), reserveBytes);
    last = result;
    if (result.deleted > 0)
      log.info(
        { reason, deleted: result.deleted, freedBytes: result.freedBytes, ms: result.ms },
        'retention',
      );
    const room = await retention.room(limits);
    raise(
      room.free < room.floor ? { kind: 'low-space', freeBytes: room.free, floorBytes: room.floor } : null,
    );
    return result;
  }

  /** One pass after the one under way (never two at once). */
  function enqueue(
    reason: string,
    before?: () => Promise<unknown>,
    reserveBytes = 0,
  ): Promise<RetentionResult | null> {
    running = running
      .catch(() => null)
      .then(async () => {
        await before?.();
        return pass(reason, reserveBytes);
      })
      .catch((error: unknown) => {
        log.error({ err: error, reason }, 'retention pass failed');
        return null;
      });
    return running;
  }

  vault.onDatabase((db) => {
    if (!db) return;
    void enqueue('unlock', async () => {
      const result = await reconcileRecordings(db, vault.mountPoint, vault.guard);
      const { thumbnails } = result;
      const thumbnailChanges = thumbnails.rowsWithoutFile + thumbnails.indexed + thumbnails.partialsRemoved;
      if (result.rowsWithoutFile + result.indexed + result.partialsRemoved + thumbnailChanges > 0)
        log.warn(result, 'recordings reconciled with their index');
    });
  });

  vault.writers.register({
    name: 'retention',
    quiesce: async () => {
      paused = true;
      await running.catch(() => null);
    },
    resume: () => {
      paused = false;
    },
  });

  const timer = setInterval(() => void enqueue('hourly'), deps.intervalMs ?? HOUR_MS);
  timer.unref();

  return {
    /** A pass now (tests, and the settings page after a quota change). */
    run: (reason = 'manual') => enqueue(reason),

    /**
     * The recorder is about to write `bytes`: true when they fit above the free-space floor, after deleting the
     * oldest recordings if needed. False (nothing deleted could make room) keeps the segment out of the vault.
     */
    async makeRoom(bytes: number): Promise<boolean> {
      const db = vault.database();
      if (!db) return false;
      const retention = retentionOf(db);
      if (!(await retention.wouldCrossFloor(bytes, limits))) return true;
      await enqueue('pressure', undefined, bytes);
      if (!(await retention.wouldCrossFloor(bytes, limits))) return true;
      const room = await retention.room(limits);
      raise({ kind: 'low-space', freeBytes: room.free, floorBytes: room.floor });
      return false;
    },

    alert: (): RecordingsAlert => alert,
    lastPass: (): RetentionResult | null => last,

    /** Waits for the pass under way and stops the hourly one. */
    async close(): Promise<void> {
      clearInterval(timer);
      await running.catch(() => null);
    },
  };
}

export type RetentionKeeper = ReturnType<typeof createRetentionKeeper>;

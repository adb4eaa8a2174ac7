/**
 * Retention: what the vault keeps of the recordings. Per camera by age (days) and by size (a quota); for the
 * whole vault by a quota (bytes, or a share of the volume) and a free-space floor. The oldest unprotected
 * segments go first; a segment that shows a protected event is never deleted. Each deletion removes the file
 * and then its row; a crash between the two leaves a row without a file, which the reconcile pass removes.
 * A camera's timeline thumbnails older than its oldest kept segment go after the segments, file and row alike.
 */
import type Sqlite from 'better-sqlite3';
import { statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { VaultGuard } from '../vault/vault-guard.js';
import { thumbnailsStoreOf } from './recording-thumbnails.store.js';

export interface CameraRetention {
  cameraId: number;
  /** Segments that started longer ago than this go. */
  retainDays: number;
  /** The camera's segments together may not exceed this (null: no quota of its own). */
  quotaBytes: number | null;
}

export interface VaultRetention {
  /** All recordings together, bytes or a share (0–1) of the volume's size; null: none. */
  quota: { bytes: number } | { share: number } | null;
  /** Free space to keep on the volume, bytes or a share of its size. */
  minFree: { bytes: number } | { share: number };
}

export interface RetentionResult {
  deleted: number;
  freedBytes: number;
  /** Thumbnails deleted because no kept segment of their camera is as old. */
  thumbnailsDeleted: number;
  /** The free space was below the floor when the pass started. */
  lowSpace: boolean;
  ms: number;
}

interface Candidate {
  id: number;
  path: string;
  bytes: number;
}

/** Rows per statement: deletions are batched so 10,000 segments take one pass, not 10,000 transactions. */
const BATCH = 500;
/** Files deleted at once within a batch. */
const UNLINKS_IN_FLIGHT = 16;

/** Deletes a file, answering why it could not; one already gone (a crash between file and row) is no error. */
async function removeFile(file: string): Promise<Error | null> {
  try {
    await unlink(file);
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return error instanceof Error ? error : new Error(String(error));
  }
}
const UNPROTECTED = `NOT EXISTS (SELECT 1 FROM recording_events l JOIN events e ON e.id = l.event_id
  WHERE l.recording_id = r.id AND e.protected = 1)`;

const bytesOf = (limit: { bytes: number } | { share: number }, size: number) =>
  'bytes' in limit ? limit.bytes : Math.floor(limit.share * size);

export function createRetention(db: Sqlite.Database, mountPoint: string, guard: VaultGuard) {
  const older = db.prepare(
    `SELECT id, path, bytes FROM recordings r WHERE camera_id = ? AND started_at < ? AND ${UNPROTECTED}
     ORDER BY started_at, id LIMIT ${BATCH}`,
  );
  const oldestOfCamera = db.prepare(
    `SELECT id, path, bytes FROM recordings r WHERE camera_id = ? AND ${UNPROTECTED}
     ORDER BY started_at, id LIMIT ${BATCH}`,
  );
  const oldest = db.prepare(
    `SELECT id, path, bytes FROM recordings r WHERE ${UNPROTECTED} ORDER BY started_at, id LIMIT ${BATCH}`,
  );
  const cameraBytes = db.prepare(
    'SELECT COALESCE(SUM(bytes), 0) AS bytes FROM recordings WHERE camera_id = ?',
  );
  const totalBytes = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM recordings');
  const removeRow = db.prepare('DELETE FROM recordings WHERE id = ?');
  const removeRows = db.transaction((ids: readonly number[]) => {
    for (const id of ids) removeRow.run(id);
  });

  /** Deletes these segments' files, then their rows; stops after `enough` bytes when given. */
  async function remove(
    candidates: readonly Candidate[],
    enough = Infinity,
    forget: (ids: readonly number[]) => void = removeRows,
  ): Promise<{ freed: number; count: number }> {
    const chosen: Candidate[] = [];
    let freed = 0;
    await guard.assertWritable(path.join(mountPoint, 'recordings'));
    const root = path.join(mountPoint, 'recordings') + path.sep;
    for (const candidate of candidates) {
      if (freed >= enough) break;
      // Only under recordings/: a row is data, and data is not trusted to name what may be deleted.
      if (!path.join(mountPoint, candidate.path).startsWith(root)) continue;
      chosen.push(candidate);
      freed += candidate.bytes;
    }
    // Several unlinks in flight: the disk's queue, not one round trip per file, sets the pace (bench:record
    // measured 5,000 deletions at 1.2 s one by one, 0.2-0.4 s sixteen at a time).
    const gone: number[] = [];
    const failures: Error[] = [];
    for (let at = 0; at < chosen.length && failures.length === 0; at += UNLINKS_IN_FLIGHT) {
      const group = chosen.slice(at, at + UNLINKS_IN_FLIGHT);
      const outcomes = await Promise.all(
        group.map((candidate) => removeFile(path.join(mountPoint, candidate.path))),
      );
      for (const [index, candidate] of group.entries()) {
        const failed = outcomes[index];
        if (failed instanceof Error) failures.push(failed);
        else gone.push(candidate.id);
      }
    }
    // The rows of the files that went go with them, even when one failed: file and row stay together.
    forget(gone);
    const [failure] = failures;
    if (failure) throw failure;
    return { freed, count: gone.length };
  }

  /** Thumbnails older than their camera's oldest kept segment (all of a camera with none): files, then rows. */
  async function removeStaleThumbnails(): Promise<number> {
    const thumbnails = thumbnailsStoreOf(db);
    let deleted = 0;
    for (let batch = thumbnails.stale(BATCH); batch.length > 0; batch = thumbnails.stale(BATCH)) {
      const { count } = await remove(batch, Infinity, (ids) => thumbnails.remove(ids));
      deleted += count;
      if (count === 0) break;
    }
    return deleted;
  }

  /** Deletes batch after batch while `excess()` is above zero and there is something to delete. */
  async function drain(next: () => Candidate[], excess: () => Promise<number>, result: RetentionResult) {
    for (let need = await excess(); need > 0; need = await excess()) {
      const batch = next();
      if (batch.length === 0) return;
      const { freed, count } = await remove(batch, need);
      result.freedBytes += freed;
      result.deleted += count;
      if (count === 0) return;
    }
  }

  async function volume(): Promise<{ size: number; free: number }> {
    const stats = await statfs(mountPoint);
    return { size: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
  }

  return {
    async run(
      cameras: readonly CameraRetention[],
      vault: VaultRetention,
      now: number,
      /** Bytes about to be written (a copy waiting for room): the floor must still hold after them. */
      reserveBytes = 0,
    ): Promise<RetentionResult> {
      const started = performance.now();
      const result: RetentionResult = {
        deleted: 0,
        freedBytes: 0,
        thumbnailsDeleted: 0,
        lowSpace: false,
        ms: 0,
      };
      for (const camera of cameras) {
        const before = now - camera.retainDays * 86_400_000;
        for (let batch = older.all(camera.cameraId, before) as Candidate[]; batch.length > 0;) {
          const { freed, count } = await remove(batch);
          result.freedBytes += freed;
          result.deleted += count;
          if (count === 0) break;
          batch = older.all(camera.cameraId, before) as Candidate[];
        }
        const quota = camera.quotaBytes;
        if (quota !== null)
          await drain(
            () => oldestOfCamera.all(camera.cameraId) as Candidate[],
            async () => (cameraBytes.get(camera.cameraId) as { bytes: number }).bytes - quota,
            result,
          );
      }
      const { size, free } = await volume();
      const floor = bytesOf(vault.minFree, size);
      result.lowSpace = free < floor;
      const quota = vault.quota === null ? null : bytesOf(vault.quota, size);
      await drain(
        () => oldest.all() as Candidate[],
        async () => {
          const now = await volume();
          const over = quota === null ? 0 : (totalBytes.get() as { bytes: number }).bytes - quota;
          return Math.max(over, floor + reserveBytes - now.free);
        },
        result,
      );
      result.thumbnailsDeleted = await removeStaleThumbnails();
      result.ms = performance.now() - started;
      return result;
    },

    /** The volume's free space and the floor under it, in bytes. */
    async room(vault: VaultRetention): Promise<{ free: number; floor: number }> {
      const { size, free } = await volume();
      return { free, floor: bytesOf(vault.minFree, size) };
    },

    /** Whether `bytes` more would go below the floor (the recorder asks before each copy). */
    async wouldCrossFloor(bytes: number, vault: VaultRetention): Promise<boolean> {
      const { free, floor } = await this.room(vault);
      return free - bytes < floor;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;

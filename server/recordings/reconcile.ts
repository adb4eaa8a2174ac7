/**
 * The reconcile pass, run whenever vault.db opens: the recordings on the vault and their index agree again
 * after a crash. A row whose file is gone is removed; a whole segment without a row (the server died between
 * the rename and the row) is indexed from its own contents; a `.partial` left by an interrupted copy is removed.
 * Each day's thumbs/ folder is not a segment: thumbnails-reconcile.ts does the same for the thumbnails in it.
 */
import type Sqlite from 'better-sqlite3';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { countKeyframes, videoSpan } from '../../media/ts-keyframes.js';
import type { VaultGuard } from '../vault/vault-guard.js';
import { RECORDINGS_DIR, recordingDayFolders, removeLeftoverPartial } from './recording-file.js';
import { THUMBS_FOLDER } from './recording-thumbnails.js';
import { recordingsStoreOf } from './recordings.store.js';
import { reconcileThumbnails, type ThumbnailsReconcileResult } from './thumbnails-reconcile.js';

/** `<startedAt>-<session>-<sequence>.ts`, as the recorder names what it keeps. */
const SEGMENT_NAME = /^(\d{10,15})-[0-9a-z-]+-\d+\.ts$/;
/** 90 kHz: MPEG-TS presentation times. */
const PTS_PER_MS = 90;

export interface ReconcileResult {
  rowsWithoutFile: number;
  indexed: number;
  partialsRemoved: number;
  thumbnails: ThumbnailsReconcileResult;
}

export async function reconcileRecordings(
  db: Sqlite.Database,
  mountPoint: string,
  guard: VaultGuard,
): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    rowsWithoutFile: 0,
    indexed: 0,
    partialsRemoved: 0,
    thumbnails: { rowsWithoutFile: 0, indexed: 0, partialsRemoved: 0 },
  };
  const rows = db.prepare('SELECT id, path FROM recordings').all() as { id: number; path: string }[];
  const indexed = new Map(rows.map((row) => [row.path, row.id]));
  const seen = new Set<string>();
  const store = recordingsStoreOf(db);
  for await (const { camera, day, names } of recordingDayFolders(mountPoint)) {
    for (const name of names) {
      if (name === THUMBS_FOLDER) continue;
      const relative = path.posix.join(RECORDINGS_DIR, camera, day, name);
      const file = path.join(mountPoint, relative);
      if (await removeLeftoverPartial(name, file, guard)) {
        result.partialsRemoved++;
        continue;
      }
      seen.add(relative);
      const match = SEGMENT_NAME.exec(name);
      if (indexed.has(relative) || !match) continue;
      // Only a regular file is read: a FIFO or a device named like a segment would block or never end, and a
      // symlink could point outside the vault.
      if (!(await lstat(file)).isFile()) continue;
      const bytes = await readFile(file);
      const span = videoSpan(bytes);
      if (!span) continue;
      // The last picture lasts as long as the average one before it.
      const frameMs =
        span.pictures > 1 ? (span.lastPts - span.firstPts) / PTS_PER_MS / (span.pictures - 1) : 0;
      const startedAt = Number(match[1]);
      store.insert({
        cameraId: Number(camera),
        startedAt,
        endedAt: startedAt + Math.round((span.lastPts - span.firstPts) / PTS_PER_MS + frameMs),
        bytes: bytes.length,
        keyframes: countKeyframes(bytes),
        path: relative,
        eventIds: [],
      });
      result.indexed++;
    }
  }
  const remove = db.prepare('DELETE FROM recordings WHERE id = ?');
  db.transaction(() => {
    for (const [relative, id] of indexed)
      if (!seen.has(relative)) {
        remove.run(id);
        result.rowsWithoutFile++;
      }
  })();
  result.thumbnails = await reconcileThumbnails(db, mountPoint, guard);
  return result;
}

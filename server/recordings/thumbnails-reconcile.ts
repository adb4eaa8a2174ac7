/**
 * The thumbnails' part of the reconcile pass (reconcile.ts), run whenever vault.db opens: a row whose JPEG is
 * gone is removed, a JPEG without a row (the server died between the rename and the row, or the vault locked
 * in between) is indexed from its name, and a `.partial` left by an interrupted write is removed.
 */
import type Sqlite from 'better-sqlite3';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { VaultGuard } from '../vault/vault-guard.js';
import { RECORDINGS_DIR, recordingDayFolders, removeLeftoverPartial } from './recording-file.js';
import { THUMBS_FOLDER } from './recording-thumbnails.js';
import { thumbnailsStoreOf } from './recording-thumbnails.store.js';

/** `<startedAt>.jpg`, as recording-thumbnails.ts names them. */
const THUMBNAIL_NAME = /^(\d{10,15})\.jpg$/;

export interface ThumbnailsReconcileResult {
  rowsWithoutFile: number;
  indexed: number;
  partialsRemoved: number;
}

export async function reconcileThumbnails(
  db: Sqlite.Database,
  mountPoint: string,
  guard: VaultGuard,
): Promise<ThumbnailsReconcileResult> {
  const result: ThumbnailsReconcileResult = { rowsWithoutFile: 0, indexed: 0, partialsRemoved: 0 };
  const store = thumbnailsStoreOf(db);
  const indexed = new Map(store.all().map((row) => [row.path, row.id]));
  const seen = new Set<string>();
  for await (const { camera, day, names } of recordingDayFolders(mountPoint, THUMBS_FOLDER)) {
    for (const name of names) {
      const relative = path.posix.join(RECORDINGS_DIR, camera, day, THUMBS_FOLDER, name);
      const file = path.join(mountPoint, relative);
      if (await removeLeftoverPartial(name, file, guard)) {
        result.partialsRemoved++;
        continue;
      }
      const match = THUMBNAIL_NAME.exec(name);
      if (!match) continue;
      // Gone since the listing, or not a plain file (a symlink is never indexed, so never served).
      const stat = await lstat(file).catch(() => null);
      if (!stat?.isFile()) continue;
      seen.add(relative);
      if (indexed.has(relative)) continue;
      store.insert({ cameraId: Number(camera), at: Number(match[1]), path: relative, bytes: stat.size });
      result.indexed++;
    }
  }
  const gone = [...indexed].filter(([relative]) => !seen.has(relative)).map(([, id]) => id);
  store.remove(gone);
  result.rowsWithoutFile = gone.length;
  return result;
}

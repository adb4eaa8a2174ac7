/**
 * Reading the thumbnails along the recordings timeline: a camera's over a span, and one JPEG. Like the rest of
 * the recordings they live on the vault and in vault.db, so everything here answers 423 VAULT_LOCKED while the
 * vault is locked. Making them is recording-thumbnails.ts's.
 */
import type { Kysely } from 'kysely';
import { createCamerasRepository } from '../cameras/cameras.repository.js';
import type { Database } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { vaultLocked } from '../vault/vault-guard.js';
import type { VaultService } from '../vault/vault.service.js';
import { openRecordingFile } from './recording-file.js';
import { MAX_THUMBNAILS, type RecordingThumbnails } from './recording-thumbnails.schemas.js';
import { thumbnailsStoreOf, type ThumbnailsStore } from './recording-thumbnails.store.js';
import { MAX_SPAN_MS } from './recordings.schemas.js';

/** Larger files are not thumbnails (a 320 px JPEG is ~10–30 KiB): refused rather than read into memory. */
const MAX_THUMBNAIL_BYTES = 4 * 1024 ** 2;

const badRange = (message: string) => new AppError('BAD_RANGE', 400, message);

export function createRecordingThumbnailsService(deps: { db: Kysely<Database>; vault: VaultService }) {
  const { vault } = deps;
  const cameras = createCamerasRepository(deps.db);

  const store = (): ThumbnailsStore => {
    const db = vault.database();
    if (!db) throw vaultLocked();
    return thumbnailsStoreOf(db);
  };

  return {
    /** A camera's thumbnails in [from, to), oldest first; the same span rules as GET /api/recordings. */
    async list(cameraId: number, from: number, to: number): Promise<RecordingThumbnails> {
      if (from >= to) throw badRange('"from" must be before "to".');
      if (to - from > MAX_SPAN_MS)
        throw badRange(`Ask for at most 7 days (${MAX_SPAN_MS} ms) at a time; this span is ${to - from} ms.`);
      if (!(await cameras.findById(cameraId))) throw notFound('Camera');
      const rows = store().list(cameraId, from, to, MAX_THUMBNAILS);
      // The path stays on the server, as a segment's does.
      return { thumbnails: rows.map(({ id, at }) => ({ id, at })) };
    },

    /**
     * One thumbnail's JPEG. NOT_FOUND for an unknown id, and for a row whose path leaves recordings/, goes
     * through a symlink, or whose file is gone (recording-file.ts checks the path as for a segment).
     */
    async jpeg(id: number): Promise<Buffer> {
      const record = store().get(id);
      if (!record) throw notFound('Thumbnail');
      const opened = await openRecordingFile(vault.mountPoint, record.path);
      if (!opened) throw new AppError('NOT_FOUND', 404, "That thumbnail's file is not there.");
      try {
        if (opened.size > MAX_THUMBNAIL_BYTES)
          throw new AppError('NOT_FOUND', 404, 'That is not a thumbnail.');
        return await opened.file.readFile();
      } finally {
        await opened.file.close();
      }
    },
  };
}
export type RecordingThumbnailsService = ReturnType<typeof createRecordingThumbnailsService>;

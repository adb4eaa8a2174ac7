/**
 * The thumbnails index in vault.db (table recording_thumbnails): one row per still along the timeline, written
 * after its JPEG is durably in place. Statements are prepared once per database.
 */
import type Sqlite from 'better-sqlite3';

export interface ThumbnailRecord {
  id: number;
  cameraId: number;
  /** When the segment it was made from started (epoch ms). */
  at: number;
  /** Relative to the vault root: recordings/<camera>/<YYYY-MM-DD>/thumbs/<at>.jpg */
  path: string;
  bytes: number;
}

interface Row {
  id: number;
  camera_id: number;
  at: number;
  path: string;
  bytes: number;
}

const toRecord = (row: Row): ThumbnailRecord => ({
  id: row.id,
  cameraId: row.camera_id,
  at: row.at,
  path: row.path,
  bytes: row.bytes,
});

const COLUMNS = 'id, camera_id, at, path, bytes';

export function createThumbnailsStore(db: Sqlite.Database) {
  // A path already indexed (the reconcile pass found the file first) keeps its row.
  const insertRow = db.prepare(
    'INSERT OR IGNORE INTO recording_thumbnails (camera_id, at, path, bytes) VALUES (?, ?, ?, ?)',
  );
  const near = db.prepare(
    'SELECT 1 FROM recording_thumbnails WHERE camera_id = ? AND at > ? AND at < ? LIMIT 1',
  );
  const inRange = db.prepare(
    `SELECT ${COLUMNS} FROM recording_thumbnails WHERE camera_id = ? AND at >= ? AND at < ?
     ORDER BY at, id LIMIT ?`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM recording_thumbnails WHERE id = ?`);
  const all = db.prepare(`SELECT ${COLUMNS} FROM recording_thumbnails`);
  const cameras = db.prepare('SELECT DISTINCT camera_id AS cameraId FROM recording_thumbnails');
  const oldestSegment = db.prepare('SELECT MIN(started_at) AS startedAt FROM recordings WHERE camera_id = ?');
  const olderThan = db.prepare(
    `SELECT ${COLUMNS} FROM recording_thumbnails WHERE camera_id = ? AND at < ? ORDER BY at, id LIMIT ?`,
  );
  const removeRow = db.prepare('DELETE FROM recording_thumbnails WHERE id = ?');
  const removeRows = db.transaction((ids: readonly number[]) => {
    for (const id of ids) removeRow.run(id);
  });

  return {
    insert(thumbnail: Omit<ThumbnailRecord, 'id'>): void {
      insertRow.run(thumbnail.cameraId, thumbnail.at, thumbnail.path, thumbnail.bytes);
    },

    /** True when the camera has a thumbnail less than `withinMs` before or after `at`. */
    hasNear(cameraId: number, at: number, withinMs: number): boolean {
      return near.get(cameraId, at - withinMs, at + withinMs) !== undefined;
    },

    /** A camera's thumbnails in [from, to), oldest first, at most `limit`. */
    list(cameraId: number, from: number, to: number, limit: number): ThumbnailRecord[] {
      return (inRange.all(cameraId, from, to, limit) as Row[]).map(toRecord);
    },

    get(id: number): ThumbnailRecord | undefined {
      const row = byId.get(id) as Row | undefined;
      return row ? toRecord(row) : undefined;
    },

    /** Every row (the reconcile pass compares them with the files). */
    all(): ThumbnailRecord[] {
      return (all.all() as Row[]).map(toRecord);
    },

    /**
     * Per camera with thumbnails, up to `limit` of those older than its oldest kept segment (all of them when it
     * has no segment left): retention's next batch.
     */
    stale(limit: number): ThumbnailRecord[] {
      const out: ThumbnailRecord[] = [];
      for (const { cameraId } of cameras.all() as { cameraId: number }[]) {
        const oldest = (oldestSegment.get(cameraId) as { startedAt: number | null }).startedAt;
        const rows = olderThan.all(cameraId, oldest ?? Number.MAX_SAFE_INTEGER, limit) as Row[];
        out.push(...rows.map(toRecord));
      }
      return out;
    },

    remove(ids: readonly number[]): void {
      removeRows(ids);
    },
  };
}
export type ThumbnailsStore = ReturnType<typeof createThumbnailsStore>;

const stores = new WeakMap<Sqlite.Database, ThumbnailsStore>();

/** The store over this vault.db (one per open database, so statements are prepared once). */
export function thumbnailsStoreOf(db: Sqlite.Database): ThumbnailsStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = createThumbnailsStore(db)));
  return store;
}

/**
 * The recordings index in vault.db (better-sqlite3, synchronous, statements prepared once per database). A
 * segment's row goes in after its file is durably in place; ranges for the timeline are the segments merged
 * where one starts within `GAP_MS` of the previous one's end.
 */
import type Sqlite from 'better-sqlite3';

export interface RecordingRecord {
  id: number;
  cameraId: number;
  startedAt: number;
  endedAt: number;
  bytes: number;
  keyframes: number;
  /** Relative to the vault root: recordings/<camera>/<YYYY-MM-DD>/<file>.ts */
  path: string;
}

export interface NewRecording extends Omit<RecordingRecord, 'id'> {
  /** Events this segment shows (its time overlaps theirs). */
  eventIds: readonly number[];
}

export interface RecordedRange {
  startedAt: number;
  endedAt: number;
  segments: number;
  bytes: number;
}

/** Segments closer than this are one range on the timeline (a keyframe's rounding, a restart's second). */
export const GAP_MS = 1_500;

interface Row {
  id: number;
  camera_id: number;
  started_at: number;
  ended_at: number;
  bytes: number;
  keyframes: number;
  path: string;
}

const toRecord = (row: Row): RecordingRecord => ({
  id: row.id,
  cameraId: row.camera_id,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  bytes: row.bytes,
  keyframes: row.keyframes,
  path: row.path,
});

export function createRecordingsStore(db: Sqlite.Database, now: () => number = Date.now) {
  const insertRow = db.prepare(
    `INSERT INTO recordings (camera_id, started_at, ended_at, bytes, keyframes, path, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  // Only events that are still there: a deleted event's link would fail the foreign key.
  const link = db.prepare(
    'INSERT OR IGNORE INTO recording_events (recording_id, event_id) SELECT ?, id FROM events WHERE id = ?',
  );
  const inRange = db.prepare(
    `SELECT id, camera_id, started_at, ended_at, bytes, keyframes, path FROM recordings
     WHERE camera_id = ? AND ended_at > ? AND started_at < ? ORDER BY started_at, id LIMIT ?`,
  );
  const byId = db.prepare(
    'SELECT id, camera_id, started_at, ended_at, bytes, keyframes, path FROM recordings WHERE id = ?',
  );
  const ofEvent = db.prepare(
    `SELECT r.id, r.camera_id, r.started_at, r.ended_at, r.bytes, r.keyframes, r.path FROM recordings r
     JOIN recording_events l ON l.recording_id = r.id WHERE l.event_id = ? ORDER BY r.started_at, r.id`,
  );
  const linkEvent = db.prepare(
    `INSERT OR IGNORE INTO recording_events (recording_id, event_id)
     SELECT id, ? FROM recordings WHERE camera_id = ? AND ended_at > ? AND started_at < ?`,
  );
  const removeRow = db.prepare('DELETE FROM recordings WHERE id = ?');

  const insert = db.transaction((recording: NewRecording): number => {
    const id = Number(
      insertRow.run(
        recording.cameraId,
        recording.startedAt,
        recording.endedAt,
        recording.bytes,
        recording.keyframes,
        recording.path,
        now(),
      ).lastInsertRowid,
    );
    for (const eventId of recording.eventIds) link.run(id, eventId);
    return id;
  });

  const latestEnd = db.prepare('SELECT MAX(ended_at) AS endedAt FROM recordings WHERE camera_id = ?');

  return {
    insert,

    /** When the camera's latest kept segment ends (epoch ms), or 0 when it has none. */
    lastEndedAt: (cameraId: number): number =>
      (latestEnd.get(cameraId) as { endedAt: number | null }).endedAt ?? 0,

    /** Links an event to the segments already kept that overlap [from, to) (an event that began in pre-roll). */
    linkEvent(eventId: number, cameraId: number, from: number, to: number): void {
      linkEvent.run(eventId, cameraId, from, to);
    },

    /** Segments of a camera overlapping [from, to), oldest first; at most `limit` of them (default all). */
    segments(cameraId: number, from: number, to: number, limit = -1): RecordingRecord[] {
      // SQLite reads a negative LIMIT as none.
      return (inRange.all(cameraId, from, to, limit) as Row[]).map(toRecord);
    },

    /** The recorded ranges of a camera within [from, to), oldest first, merged across small gaps. */
    ranges(cameraId: number, from: number, to: number): RecordedRange[] {
      const ranges: RecordedRange[] = [];
      for (const row of inRange.all(cameraId, from, to, -1) as Row[]) {
        const last = ranges.at(-1);
        if (last && row.started_at <= last.endedAt + GAP_MS) {
          last.endedAt = Math.max(last.endedAt, row.ended_at);
          last.segments++;
          last.bytes += row.bytes;
        } else
          ranges.push({ startedAt: row.started_at, endedAt: row.ended_at, segments: 1, bytes: row.bytes });
      }
      return ranges;
    },

    get(id: number): RecordingRecord | undefined {
      const row = byId.get(id) as Row | undefined;
      return row ? toRecord(row) : undefined;
    },

    /** The segments linked to an event (its clip), oldest first. */
    ofEvent(eventId: number): RecordingRecord[] {
      return (ofEvent.all(eventId) as Row[]).map(toRecord);
    },

    remove(id: number): void {
      removeRow.run(id);
    },
  };
}
export type RecordingsStore = ReturnType<typeof createRecordingsStore>;

const stores = new WeakMap<Sqlite.Database, RecordingsStore>();

/** The store over this vault.db (one per open database, so statements are prepared once). */
export function recordingsStoreOf(db: Sqlite.Database): RecordingsStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = createRecordingsStore(db)));
  return store;
}

/**
 * Events in vault.db (better-sqlite3, synchronous: each call is one short statement). Lists are newest first
 * with keyset pagination: the cursor is the last row's (started_at, id), so pages never shift as new events
 * arrive.
 */
import type Sqlite from 'better-sqlite3';
import type { NormalBox } from '../../inference/protocol.js';

export type { NormalBox };

export interface EventFace {
  faceId: number | null;
  name: string | null;
  similarity: number;
  box: NormalBox;
}

export interface EventRecord {
  id: number;
  cameraId: number;
  label: string;
  startedAt: number;
  endedAt: number | null;
  topScore: number;
  box: NormalBox;
  path: { at: number; box: NormalBox }[];
  zones: string[];
  faces: EventFace[];
  stationary: boolean;
  /** Path of the snapshot JPEG relative to the vault root, or null before one was kept. */
  snapshot: string | null;
  snapshotBox: NormalBox | null;
  protected: boolean;
}

export interface EventFilter {
  cameraId?: number | undefined;
  label?: string | undefined;
  zone?: string | undefined;
  /** A person's face id. */
  face?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Rows strictly older than this (started_at, id). */
  before?: { startedAt: number; id: number } | undefined;
  limit: number;
}

interface Row {
  id: number;
  camera_id: number;
  label: string;
  started_at: number;
  ended_at: number | null;
  top_score: number;
  box: string;
  path: string;
  zones: string;
  faces: string;
  stationary: number;
  snapshot: string | null;
  snapshot_box: string | null;
  protected: number;
}

const toRecord = (row: Row): EventRecord => ({
  id: row.id,
  cameraId: row.camera_id,
  label: row.label,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  topScore: row.top_score,
  box: JSON.parse(row.box) as NormalBox,
  path: JSON.parse(row.path) as EventRecord['path'],
  zones: JSON.parse(row.zones) as string[],
  faces: JSON.parse(row.faces) as EventFace[],
  stationary: row.stationary === 1,
  snapshot: row.snapshot,
  snapshotBox: row.snapshot_box === null ? null : (JSON.parse(row.snapshot_box) as NormalBox),
  protected: row.protected === 1,
});

export type EventChange = Pick<
  EventRecord,
  'endedAt' | 'topScore' | 'box' | 'path' | 'zones' | 'faces' | 'stationary'
>;

export function createEventsStore(db: Sqlite.Database) {
  const insert = db.prepare(
    `INSERT INTO events (camera_id, label, started_at, ended_at, top_score, box, path, zones, faces, stationary, created_at)
     VALUES (@cameraId, @label, @startedAt, @endedAt, @topScore, @box, @path, @zones, @faces, @stationary, @createdAt)`,
  );
  const update = db.prepare(
    `UPDATE events SET ended_at = @endedAt, top_score = @topScore, box = @box, path = @path, zones = @zones,
       faces = @faces, stationary = @stationary WHERE id = @id`,
  );
  const json = (change: EventChange) => ({
    endedAt: change.endedAt,
    topScore: change.topScore,
    box: JSON.stringify(change.box),
    path: JSON.stringify(change.path),
    zones: JSON.stringify(change.zones),
    faces: JSON.stringify(change.faces),
    stationary: change.stationary ? 1 : 0,
  });

  return {
    insert(
      event: { cameraId: number; label: string; startedAt: number } & EventChange,
      createdAt: number,
    ): number {
      const result = insert.run({
        cameraId: event.cameraId,
        label: event.label,
        startedAt: event.startedAt,
        ...json(event),
        createdAt,
      });
      return Number(result.lastInsertRowid);
    },
    update(id: number, change: EventChange): void {
      update.run({ id, ...json(change) });
    },
    setSnapshot(id: number, snapshot: string, box: NormalBox): void {
      db.prepare('UPDATE events SET snapshot = ?, snapshot_box = ? WHERE id = ?').run(
        snapshot,
        JSON.stringify(box),
        id,
      );
    },
    get(id: number): EventRecord | undefined {
      const row = db.prepare('SELECT * FROM events WHERE id = ?').get(id) as Row | undefined;
      return row && toRecord(row);
    },
    list(filter: EventFilter): EventRecord[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const add = (clause: string, ...values: (string | number)[]) => {
        where.push(clause);
        params.push(...values);
      };
      if (filter.cameraId !== undefined) add('camera_id = ?', filter.cameraId);
      if (filter.label !== undefined) add('label = ?', filter.label);
      if (filter.zone !== undefined)
        add('EXISTS (SELECT 1 FROM json_each(events.zones) WHERE value = ?)', filter.zone);
      if (filter.face !== undefined) {
        add(
          "EXISTS (SELECT 1 FROM json_each(events.faces) WHERE json_extract(value, '$.faceId') = ?)",
          filter.face,
        );
      }
      if (filter.from !== undefined) add('started_at >= ?', filter.from);
      if (filter.to !== undefined) add('started_at < ?', filter.to);
      if (filter.before) {
        const { startedAt, id } = filter.before;
        add('(started_at < ? OR (started_at = ? AND id < ?))', startedAt, startedAt, id);
      }
      const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY started_at DESC, id DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, filter.limit) as Row[]).map(toRecord);
    },
    /** Events per bucket (start time floored to `bucketMs`) since `from`, per label. */
    stats(from: number, bucketMs: number): { bucket: number; label: string; count: number }[] {
      return db
        .prepare(
          `SELECT (started_at / ?) * ? AS bucket, label, COUNT(*) AS count FROM events WHERE started_at >= ?
           GROUP BY bucket, label ORDER BY bucket`,
        )
        .all(bucketMs, bucketMs, from) as { bucket: number; label: string; count: number }[];
    },
    /** Every label events were stored with (the label index answers it without reading the rows). */
    labels(): string[] {
      return (
        db.prepare('SELECT DISTINCT label FROM events ORDER BY label').all() as { label: string }[]
      ).map((row) => row.label);
    },
    remove(id: number): void {
      db.prepare('DELETE FROM events WHERE id = ?').run(id);
    },
    protect(id: number, value: boolean): void {
      db.prepare('UPDATE events SET protected = ? WHERE id = ?').run(value ? 1 : 0, id);
    },
  };
}
export type EventsStore = ReturnType<typeof createEventsStore>;

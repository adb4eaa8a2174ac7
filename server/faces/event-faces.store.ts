/**
 * Every face seen in a stored event (event_faces), with the descriptor and crop the event row's JSON drops,
 * so an unknown face can be enrolled later. The event's `faces` JSON is rebuilt from these rows whenever a
 * label changes, so the events API always shows the current names. Candidates (unknown faces) page by their
 * event's start, newest first, with the keyset (started_at, id) as events do, so pages never shift.
 */
import type Sqlite from 'better-sqlite3';
import type { NormalBox } from '../../inference/protocol.js';
import type { EventFace } from '../events/events.store.js';
import { fromBlob, toBlob } from './descriptor.js';

export interface EventFaceRecord {
  id: number;
  eventId: number;
  faceIndex: number;
  digest: string;
  descriptor: Float32Array;
  /** Relative to the vault root; null until the crop is written. */
  crop: string | null;
  faceId: number | null;
  similarity: number;
  box: NormalBox;
}

export interface CandidateRecord {
  id: number;
  eventId: number;
  faceIndex: number;
  cameraId: number;
  /** When the event started (epoch ms). */
  seenAt: number;
  similarity: number;
  box: NormalBox;
  hasCrop: boolean;
}

/** A face as the worker reported it, keyed by its digest. */
export interface ReportedFace {
  digest: string;
  descriptor: readonly number[];
  faceId: number | null;
  similarity: number;
  box: NormalBox;
}

interface Row {
  id: number;
  event_id: number;
  face_index: number;
  digest: string;
  descriptor: Buffer;
  crop: string | null;
  face_id: number | null;
  similarity: number;
  box: string;
}

const toRecord = (row: Row): EventFaceRecord => ({
  id: row.id,
  eventId: row.event_id,
  faceIndex: row.face_index,
  digest: row.digest,
  descriptor: fromBlob(row.descriptor),
  crop: row.crop,
  faceId: row.face_id,
  similarity: row.similarity,
  box: JSON.parse(row.box) as NormalBox,
});

export function createEventFacesStore(db: Sqlite.Database) {
  const ofEvent = (eventId: number): EventFaceRecord[] =>
    (
      db.prepare('SELECT * FROM event_faces WHERE event_id = ? ORDER BY face_index').all(eventId) as Row[]
    ).map(toRecord);

  // Prepared once per vault.db: sync() runs on every track update that carries faces, label() per matched face.
  const existingOf = db.prepare('SELECT id, digest, crop, face_index FROM event_faces WHERE event_id = ?');
  const deleteRow = db.prepare('DELETE FROM event_faces WHERE id = ?');
  const moveRow = db.prepare('UPDATE event_faces SET face_index = ? WHERE id = ?');
  // The worker's list of people may predate a deletion: an id nobody has any more is no match.
  const insertRow = db.prepare(
    `INSERT INTO event_faces (event_id, face_index, digest, descriptor, face_id, similarity, box, created_at)
     VALUES (?, ?, ?, ?, (SELECT id FROM faces WHERE id = ?), ?, ?, ?)`,
  );
  const labelRow = db.prepare('UPDATE event_faces SET face_id = ?, similarity = ? WHERE id = ?');

  const refresh = db.prepare(
    `UPDATE events SET faces = (
       SELECT json_group_array(json_object('faceId', ef.face_id, 'name', f.name, 'similarity', ef.similarity,
         'box', json(ef.box)) ORDER BY ef.face_index)
       FROM event_faces ef LEFT JOIN faces f ON f.id = ef.face_id WHERE ef.event_id = events.id)
     WHERE id = ? AND EXISTS (SELECT 1 FROM event_faces WHERE event_id = events.id)`,
  );

  return {
    ofEvent,
    at(eventId: number, faceIndex: number): EventFaceRecord | undefined {
      const row = db
        .prepare('SELECT * FROM event_faces WHERE event_id = ? AND face_index = ?')
        .get(eventId, faceIndex) as Row | undefined;
      return row && toRecord(row);
    },

    /**
     * Makes the event's rows the worker's latest list: reports seen before keep their row (and any label a
     * person gave it), new ones are added, vanished ones go. Returns the digests added (their crops are to
     * be written) and the crops of the rows removed.
     */
    sync(
      eventId: number,
      reports: readonly ReportedFace[],
      createdAt: number,
    ): { added: string[]; removedCrops: string[] } {
      return db.transaction(() => {
        const rows = existingOf.all(eventId) as Pick<Row, 'id' | 'digest' | 'crop' | 'face_index'>[];
        const existing = new Map(rows.map((row) => [row.digest, row]));
        const wanted = new Set(reports.map((r) => r.digest));
        const removedCrops: string[] = [];
        for (const row of existing.values()) {
          if (wanted.has(row.digest)) continue;
          deleteRow.run(row.id);
          if (row.crop !== null) removedCrops.push(row.crop);
        }
        const added: string[] = [];
        reports.forEach((report, index) => {
          const row = existing.get(report.digest);
          if (row) {
            if (row.face_index !== index) moveRow.run(index, row.id);
            return;
          }
          insertRow.run(
            eventId,
            index,
            report.digest,
            toBlob(report.descriptor),
            report.faceId,
            report.similarity,
            JSON.stringify(report.box),
            createdAt,
          );
          added.push(report.digest);
        });
        return { added, removedCrops };
      })();
    },

    /** Records the written crop; false when the row went meanwhile (the file is then the caller's to remove). */
    setCrop(eventId: number, digest: string, crop: string): boolean {
      return (
        db
          .prepare('UPDATE event_faces SET crop = ? WHERE event_id = ? AND digest = ?')
          .run(crop, eventId, digest).changes > 0
      );
    },

    label(id: number, faceId: number | null, similarity: number): void {
      labelRow.run(faceId, similarity, id);
    },
    relabelAll(from: number, into: number): void {
      db.prepare('UPDATE event_faces SET face_id = ? WHERE face_id = ?').run(into, from);
    },
    eventIdsOf(faceId: number): number[] {
      return (
        db.prepare('SELECT DISTINCT event_id FROM event_faces WHERE face_id = ?').all(faceId) as {
          event_id: number;
        }[]
      ).map((row) => row.event_id);
    },

    /** Unknown faces, newest event first, after `before` (the previous page's last seenAt and id). */
    candidates(before: { seenAt: number; id: number } | undefined, limit: number): CandidateRecord[] {
      const rows = db
        .prepare(
          `SELECT ef.id, ef.event_id, ef.face_index, ef.similarity, ef.box, ef.crop, e.camera_id, e.started_at
           FROM event_faces ef JOIN events e ON e.id = ef.event_id
           WHERE ef.face_id IS NULL AND (e.started_at < ? OR (e.started_at = ? AND ef.id < ?))
           ORDER BY e.started_at DESC, ef.id DESC LIMIT ?`,
        )
        .all(
          before?.seenAt ?? Number.MAX_SAFE_INTEGER,
          before?.seenAt ?? Number.MAX_SAFE_INTEGER,
          before?.id ?? Number.MAX_SAFE_INTEGER,
          limit,
        ) as (Pick<Row, 'id' | 'event_id' | 'face_index' | 'similarity' | 'box' | 'crop'> & {
        camera_id: number;
        started_at: number;
      })[];
      return rows.map((row) => ({
        id: row.id,
        eventId: row.event_id,
        faceIndex: row.face_index,
        cameraId: row.camera_id,
        seenAt: row.started_at,
        similarity: row.similarity,
        box: JSON.parse(row.box) as NormalBox,
        hasCrop: row.crop !== null,
      }));
    },
    /** The newest unknown faces' descriptors, to match against a new sample. */
    unknown(limit: number): { id: number; eventId: number; descriptor: Float32Array }[] {
      return (
        db
          .prepare(
            'SELECT id, event_id, descriptor FROM event_faces WHERE face_id IS NULL ORDER BY id DESC LIMIT ?',
          )
          .all(limit) as { id: number; event_id: number; descriptor: Buffer }[]
      ).map((row) => ({ id: row.id, eventId: row.event_id, descriptor: fromBlob(row.descriptor) }));
    },

    /** Rewrites these events' `faces` JSON from their rows, with the people's current names. */
    refreshEvents(eventIds: Iterable<number>): void {
      db.transaction(() => {
        for (const id of new Set(eventIds)) refresh.run(id);
      })();
    },
    /** The event's faces as its row and the live push show them. */
    facesOf(eventId: number): EventFace[] {
      return (
        db
          .prepare(
            `SELECT ef.face_id, f.name, ef.similarity, ef.box FROM event_faces ef
             LEFT JOIN faces f ON f.id = ef.face_id WHERE ef.event_id = ? ORDER BY ef.face_index`,
          )
          .all(eventId) as { face_id: number | null; name: string | null; similarity: number; box: string }[]
      ).map((row) => ({
        faceId: row.face_id,
        name: row.name,
        similarity: row.similarity,
        box: JSON.parse(row.box) as NormalBox,
      }));
    },
  };
}
export type EventFacesStore = ReturnType<typeof createEventFacesStore>;

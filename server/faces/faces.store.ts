/**
 * Enrolled people and their samples in vault.db (better-sqlite3, synchronous). A person's name is unique
 * whatever its case (`name_key`); samples go with their person (ON DELETE CASCADE).
 */
import type Sqlite from 'better-sqlite3';
import type { KnownFace } from '../../inference/protocol.js';
import { fromBlob, nameKey, toBlob } from './descriptor.js';

export interface PersonRecord {
  id: number;
  name: string;
  createdAt: number;
  sampleIds: number[];
  /** Events in which this person's face was seen (matched or labelled). */
  eventCount: number;
}

export interface SampleRecord {
  id: number;
  faceId: number;
  descriptor: Float32Array;
  /** Relative to the vault root; null when the crop could not be kept. */
  crop: string | null;
  source: 'event' | 'upload';
  eventId: number | null;
  createdAt: number;
}

interface PersonRow {
  id: number;
  name: string;
  created_at: number;
  sample_ids: string | null;
  event_count: number;
}

interface SampleRow {
  id: number;
  face_id: number;
  descriptor: Buffer;
  crop: string | null;
  source: 'event' | 'upload';
  event_id: number | null;
  created_at: number;
}

const toPerson = (row: PersonRow): PersonRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  sampleIds: row.sample_ids === null ? [] : row.sample_ids.split(',').map(Number),
  eventCount: row.event_count,
});

const toSample = (row: SampleRow): SampleRecord => ({
  id: row.id,
  faceId: row.face_id,
  descriptor: fromBlob(row.descriptor),
  crop: row.crop,
  source: row.source,
  eventId: row.event_id,
  createdAt: row.created_at,
});

const PEOPLE = `SELECT f.id, f.name, f.created_at,
    (SELECT group_concat(s.id, ',') FROM (SELECT id FROM face_samples WHERE face_id = f.id ORDER BY id) s)
      AS sample_ids,
    (SELECT COUNT(DISTINCT event_id) FROM event_faces WHERE face_id = f.id) AS event_count
  FROM faces f`;

export function createFacesStore(db: Sqlite.Database) {
  return {
    /** Everyone, by name (case-insensitive). */
    people(): PersonRecord[] {
      return (db.prepare(`${PEOPLE} ORDER BY f.name_key, f.id`).all() as PersonRow[]).map(toPerson);
    },
    person(id: number): PersonRecord | undefined {
      const row = db.prepare(`${PEOPLE} WHERE f.id = ?`).get(id) as PersonRow | undefined;
      return row && toPerson(row);
    },
    /** The person who has this name in any case, if any. */
    byName(name: string): { id: number } | undefined {
      return db.prepare('SELECT id FROM faces WHERE name_key = ?').get(nameKey(name)) as
        { id: number } | undefined;
    },
    insertPerson(name: string, createdAt: number): number {
      const result = db
        .prepare('INSERT INTO faces (name, name_key, created_at) VALUES (?, ?, ?)')
        .run(name, nameKey(name), createdAt);
      return Number(result.lastInsertRowid);
    },
    rename(id: number, name: string): void {
      db.prepare('UPDATE faces SET name = ?, name_key = ? WHERE id = ?').run(name, nameKey(name), id);
    },
    /** Removes the person and (by cascade) their samples; their event faces become unknown again. */
    removePerson(id: number): void {
      db.prepare('DELETE FROM faces WHERE id = ?').run(id);
    },

    insertSample(sample: Omit<SampleRecord, 'id'>): number {
      const result = db
        .prepare(
          `INSERT INTO face_samples (face_id, descriptor, crop, source, event_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sample.faceId,
          toBlob(sample.descriptor),
          sample.crop,
          sample.source,
          sample.eventId,
          sample.createdAt,
        );
      return Number(result.lastInsertRowid);
    },
    sample(id: number): SampleRecord | undefined {
      const row = db.prepare('SELECT * FROM face_samples WHERE id = ?').get(id) as SampleRow | undefined;
      return row && toSample(row);
    },
    samplesOf(faceId: number): SampleRecord[] {
      return (
        db.prepare('SELECT * FROM face_samples WHERE face_id = ? ORDER BY id').all(faceId) as SampleRow[]
      ).map(toSample);
    },
    sampleCount(faceId: number): number {
      return (
        db.prepare('SELECT COUNT(*) AS n FROM face_samples WHERE face_id = ?').get(faceId) as { n: number }
      ).n;
    },
    /** Whether the person already has this very descriptor from this event (the same face added twice). */
    hasSample(faceId: number, eventId: number, descriptor: Float32Array): boolean {
      return (
        db
          .prepare('SELECT 1 FROM face_samples WHERE face_id = ? AND event_id = ? AND descriptor = ?')
          .get(faceId, eventId, toBlob(descriptor)) !== undefined
      );
    },
    removeSample(id: number): void {
      db.prepare('DELETE FROM face_samples WHERE id = ?').run(id);
    },
    moveSamples(from: number, into: number): void {
      db.prepare('UPDATE face_samples SET face_id = ? WHERE face_id = ?').run(into, from);
    },

    /** What the inference worker matches against: every person with at least one sample. */
    known(): KnownFace[] {
      const rows = db
        .prepare(
          `SELECT f.id, f.name, s.descriptor FROM faces f JOIN face_samples s ON s.face_id = f.id
           ORDER BY f.id, s.id`,
        )
        .all() as { id: number; name: string; descriptor: Buffer }[];
      const people = new Map<number, KnownFace>();
      for (const row of rows) {
        let person = people.get(row.id);
        if (!person) {
          person = { id: row.id, name: row.name, descriptors: [] };
          people.set(row.id, person);
        }
        person.descriptors.push(Array.from(fromBlob(row.descriptor)));
      }
      return [...people.values()];
    },

    transaction<T>(work: () => T): T {
      return db.transaction(work)();
    },
  };
}
export type FacesStore = ReturnType<typeof createFacesStore>;

/**
 * Reading what was recorded: the index of a camera's segments and ranges over a span, the segments that show an
 * event, and one segment's file. The index lives in vault.db and the files on the vault, so everything here
 * answers 423 VAULT_LOCKED while the vault is locked. Writing is the recorder's (server/recordings/recorder.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { createCamerasRepository } from '../cameras/cameras.repository.js';
import type { Database } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import type { EventsService } from '../events/events.service.js';
import { vaultLocked } from '../vault/vault-guard.js';
import type { VaultService } from '../vault/vault.service.js';
import { openRecordingFile } from './recording-file.js';
import { buildPlaylist } from './recordings-playlist.js';
import { recordingsStoreOf, type RecordingRecord, type RecordingsStore } from './recordings.store.js';
import {
  MAX_SEGMENTS,
  MAX_SPAN_MS,
  type EventRecordings,
  type RecordingSegment,
  type RecordingsIndex,
} from './recordings.schemas.js';

const badRange = (message: string) => new AppError('BAD_RANGE', 400, message);
const noRecordings = (message: string) => new AppError('NO_RECORDINGS', 404, message);

// The path stays on the server: which file backs a segment is none of the client's business.
const toSegment = ({ id, startedAt, endedAt, bytes, keyframes }: RecordingRecord): RecordingSegment => ({
  id,
  startedAt,
  endedAt,
  bytes,
  keyframes,
});

export function createRecordingsService(deps: {
  db: Kysely<Database>;
  vault: VaultService;
  events: EventsService;
}) {
  const { vault, events } = deps;
  const cameras = createCamerasRepository(deps.db);

  const store = (): RecordingsStore => {
    const db = vault.database();
    if (!db) throw vaultLocked();
    return recordingsStoreOf(db);
  };

  const checkedStore = async (cameraId: number, from: number, to: number): Promise<RecordingsStore> => {
    if (from >= to) throw badRange('"from" must be before "to".');
    if (to - from > MAX_SPAN_MS)
      throw badRange(`Ask for at most 7 days (${MAX_SPAN_MS} ms) at a time; this span is ${to - from} ms.`);
    if (!(await cameras.findById(cameraId))) throw notFound('Camera');
    return store();
  };

  return {
    /** A camera's ranges and segments overlapping [from, to); at most MAX_SEGMENTS segments, oldest first. */
    async index(cameraId: number, from: number, to: number): Promise<RecordingsIndex> {
      const recordings = await checkedStore(cameraId, from, to);
      // One more than allowed, to tell a full page from a cut one.
      const segments = recordings.segments(cameraId, from, to, MAX_SEGMENTS + 1);
      return {
        ranges: recordings.ranges(cameraId, from, to),
        segments: segments.slice(0, MAX_SEGMENTS).map(toSegment),
        truncated: segments.length > MAX_SEGMENTS,
      };
    },

    /**
     * An HLS VOD playlist of a camera's segments overlapping [from, to), the first MAX_SEGMENTS of them (the
     * timeline asks for a few hours at a time). NO_RECORDINGS when nothing was kept in the span.
     */
    async playlist(cameraId: number, from: number, to: number): Promise<string> {
      const segments = (await checkedStore(cameraId, from, to)).segments(cameraId, from, to, MAX_SEGMENTS);
      if (segments.length === 0)
        throw noRecordings('Nothing was recorded by this camera between those times.');
      return buildPlaylist(segments);
    },

    /** The playlist of an event's clip (its linked segments, pre-roll first); NO_RECORDINGS without any. */
    eventClip(eventId: number): string {
      events.get(eventId);
      const segments = store().ofEvent(eventId);
      if (segments.length === 0) throw noRecordings('Nothing was recorded for this event.');
      return buildPlaylist(segments);
    },

    /** The segments linked to an event (NOT_FOUND for an event that is not stored). */
    ofEvent(eventId: number): EventRecordings {
      events.get(eventId);
      return { segments: store().ofEvent(eventId).map(toSegment) };
    },

    /**
     * One segment's file, open for reading, and its size. NOT_FOUND for an unknown id, and for a row whose path
     * leaves recordings/ or goes through a symlink, or whose file is gone.
     */
    async file(id: number): Promise<{ file: FileHandle; size: number }> {
      const record = store().get(id);
      if (!record) throw notFound('Recording');
      const opened = await openRecordingFile(vault.mountPoint, record.path);
      if (!opened) throw new AppError('NOT_FOUND', 404, "That recording's file is not there.");
      return opened;
    },
  };
}
export type RecordingsService = ReturnType<typeof createRecordingsService>;

/**
 * Events: what the inference worker reports (confirmed tracks, motion bursts) turned into rows in vault.db and
 * snapshots under the vault's `snapshots/`, pushed live on /api/ws (topic `events`: start, update, end) and
 * detections for the live overlay (topic `detections`). Every write goes through the vault's write guard and
 * the service is a registered vault writer, so a safe lock waits for its snapshot writes. While the vault is
 * locked, events are still pushed live and counted, never stored. The same bus (`onEvent`) is what the
 * recorder will follow.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { InferenceToServer, TrackReport } from '../../inference/protocol.js';
import { AppError, notFound } from '../errors.js';
import type { VaultService } from '../vault/vault.service.js';
import { dayFolder, writeFileDurably } from '../vault/durable-write.js';
import { vaultLocked } from '../vault/vault-guard.js';
import type { WsHub } from '../ws/ws-hub.js';
import {
  createEventsStore,
  type EventChange,
  type EventFilter,
  type EventRecord,
  type EventsStore,
} from './events.store.js';

type TrackMessage = Extract<InferenceToServer, { type: 'track' }>;
type DetectionsMessage = Extract<InferenceToServer, { type: 'detections' }>;

/** An event as the API and the live push show it; `id` is null for one seen while the vault was locked. */
export interface EventView extends Omit<EventRecord, 'id' | 'snapshot'> {
  id: number | null;
  hasSnapshot: boolean;
}

export type EventPhase = 'start' | 'update' | 'end';
export type EventListener = (phase: EventPhase, event: EventView) => void;

/** What server/faces adds: the descriptors and crops the row drops, kept beside it, and the faces' names. */
export interface EventFacesHook {
  /** A stored event's faces as the worker reported them; returns them as the row and the push show them. */
  track(eventId: number, faces: TrackReport['faces']): EventChange['faces'];
  /** Before an event's row goes: what belongs to its faces goes too. */
  removing(eventId: number): Promise<void>;
}

interface OpenEvent {
  id: number | null;
  view: EventView;
}

const change = (track: TrackReport): EventChange => ({
  endedAt: track.endedAt,
  topScore: track.topScore,
  box: track.box,
  path: track.path,
  zones: track.zones,
  faces: track.faces.map(({ faceId, name, similarity, box }) => ({ faceId, name, similarity, box })),
  stationary: track.stationary,
});

export function createEventsService(deps: {
  vault: VaultService;
  hub: WsHub;
  log: FastifyBaseLogger;
  now: () => Date;
}) {
  const { vault, hub, log, now } = deps;
  const openEvents = new Map<string, OpenEvent>();
  const listeners = new Set<EventListener>();
  const pending = new Set<Promise<unknown>>();
  let paused = false;
  let unstoredWhileLocked = 0;
  let storeFor: { db: unknown; store: EventsStore } | null = null;
  let facesHook: EventFacesHook | null = null;

  /** The track's faces as the faces hook keeps and names them (the worker's own list without a hook). */
  const namedFaces = (id: number, track: TrackReport, fields: EventChange): EventChange =>
    facesHook && track.faces.length > 0 ? { ...fields, faces: facesHook.track(id, track.faces) } : fields;

  /** The store over the current vault.db, or null while locked. */
  const store = (): EventsStore | null => {
    const db = vault.database();
    if (!db || paused) return null;
    if (storeFor?.db !== db) storeFor = { db, store: createEventsStore(db) };
    return storeFor.store;
  };

  vault.writers.register({
    name: 'events',
    quiesce: async () => {
      paused = true;
      await Promise.allSettled([...pending]);
    },
    resume: () => {
      paused = false;
    },
  });

  const toView = (record: EventRecord): EventView => {
    const { snapshot, ...rest } = record;
    return { ...rest, hasSnapshot: snapshot !== null };
  };

  const emit = (phase: EventPhase, event: EventView) => {
    hub.broadcast({ type: 'event', topic: 'events', data: { phase, event, stored: event.id !== null } });
    for (const listener of listeners) listener(phase, event);
  };

  /** Keeps the JPEG under snapshots/<camera>/<day>/ (never half a file under its final name). */
  async function writeSnapshot(id: number, cameraId: number, at: number, jpeg: Uint8Array): Promise<string> {
    const relative = path.join('snapshots', String(cameraId), dayFolder(at), `${id}.jpg`);
    await writeFileDurably(vault.guard, path.join(vault.mountPoint, relative), jpeg);
    return relative;
  }

  function track(message: TrackMessage): void {
    const key = `${message.cameraId}:${message.track.trackId}`;
    let fields = change(message.track);
    let entry = openEvents.get(key);
    const events = store();
    if (!entry) {
      if (message.phase !== 'start') return;
      let id: number | null = null;
      if (events) {
        id = events.insert(
          {
            cameraId: message.cameraId,
            label: message.track.label,
            startedAt: message.track.startedAt,
            ...fields,
          },
          now().getTime(),
        );
        const named = namedFaces(id, message.track, fields);
        if (named !== fields) events.update(id, (fields = named));
      } else unstoredWhileLocked++;
      entry = {
        id,
        view: {
          id,
          cameraId: message.cameraId,
          label: message.track.label,
          startedAt: message.track.startedAt,
          ...fields,
          snapshotBox: null,
          hasSnapshot: false,
          protected: false,
        },
      };
      openEvents.set(key, entry);
    } else {
      if (entry.id !== null && events) fields = namedFaces(entry.id, message.track, fields);
      Object.assign(entry.view, fields);
      if (entry.id !== null) events?.update(entry.id, fields);
    }
    const current = entry;
    const snapshot = message.snapshot;
    if (snapshot && current.id !== null && events) {
      const id = current.id;
      const write = writeSnapshot(id, message.cameraId, snapshot.at, snapshot.jpeg)
        .then((relative) => {
          store()?.setSnapshot(id, relative, snapshot.box);
          current.view.hasSnapshot = true;
          current.view.snapshotBox = snapshot.box;
        })
        .catch((error: unknown) => log.warn({ err: error, eventId: id }, 'event snapshot not kept'));
      pending.add(write);
      void write.finally(() => pending.delete(write));
    }
    if (message.phase === 'end') openEvents.delete(key);
    emit(message.phase, { ...current.view });
  }

  return {
    /** Messages from the inference worker. */
    handle(message: InferenceToServer): void {
      if (message.type === 'track') track(message);
      else if (message.type === 'detections') publishDetections(hub, message);
    },

    /** The inference worker went away: its open tracks end now (a new run numbers tracks afresh). */
    endOpen(): void {
      const at = now().getTime();
      for (const [key, entry] of openEvents) {
        openEvents.delete(key);
        entry.view.endedAt = at;
        if (entry.id !== null) store()?.update(entry.id, { ...entry.view, endedAt: at });
        emit('end', { ...entry.view });
      }
    },

    /** Set once by the faces service (server/faces/event-faces.ts). */
    setFacesHook(hook: EventFacesHook): void {
      facesHook = hook;
    },

    onEvent(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Whether events are being stored, and how many went by unstored while the vault was locked. */
    state: () => ({ stored: vault.database() !== null, unstoredWhileLocked }),

    list(filter: EventFilter): EventView[] {
      const events = storeOrLocked();
      return events.list(filter).map(toView);
    },

    get(id: number): EventView {
      return toView(existing(id));
    },

    /** The snapshot's absolute path (checked to be on the vault) and the box in it. */
    async snapshot(id: number): Promise<{ file: string; box: EventRecord['snapshotBox'] }> {
      const record = existing(id);
      if (!record.snapshot) throw new AppError('NO_SNAPSHOT', 404, 'This event has no snapshot.');
      const file = path.join(vault.mountPoint, record.snapshot);
      return { file, box: record.snapshotBox };
    },

    async remove(id: number): Promise<void> {
      const record = existing(id);
      await facesHook?.removing(id);
      if (record.snapshot) {
        const file = path.join(vault.mountPoint, record.snapshot);
        await vault.guard.assertWritable(file);
        await rm(file, { force: true });
      }
      storeOrLocked().remove(id);
    },

    protect(id: number, value: boolean): EventView {
      existing(id);
      storeOrLocked().protect(id, value);
      return toView(existing(id));
    },

    stats(from: number, bucketMs: number) {
      return storeOrLocked().stats(from, bucketMs);
    },

    /** The labels stored events carry, for the Events page's filter. */
    labels(): string[] {
      return storeOrLocked().labels();
    },
  };

  function storeOrLocked(): EventsStore {
    const events = store();
    if (!events) throw vaultLocked();
    return events;
  }

  function existing(id: number): EventRecord {
    const record = storeOrLocked().get(id);
    if (!record) throw notFound('Event');
    return record;
  }
}

function publishDetections(hub: WsHub, message: DetectionsMessage): void {
  hub.broadcast({
    type: 'event',
    topic: 'detections',
    data: {
      cameraId: message.cameraId,
      capturedAt: message.capturedAt,
      motion: message.motion,
      objects: message.objects,
    },
  });
}

export type EventsService = ReturnType<typeof createEventsService>;

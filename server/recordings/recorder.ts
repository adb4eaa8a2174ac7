/**
 * The recorder: every recording camera's last seconds of segments live in a ring in the RAM cache (the
 * pre-roll); what its mode keeps is copied onto the vault under recordings/<camera>/<YYYY-MM-DD>/, fsynced, and
 * only then indexed in vault.db. `events` keeps [event start − pre-roll, event end + post-roll], `motion` the
 * same around each moment of motion, `continuous` everything. While the vault is locked (or a safe lock is
 * quiescing writers) nothing is persisted and the ring goes on in RAM; the next segment after unlock catches
 * up on whatever of the ring the mode still keeps. One camera's copies run one at a time, in order.
 */
import type Sqlite from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentMessage } from '../../media/protocol.js';
import type { EventPhase, EventView } from '../events/events.service.js';
import { copyFileDurably, dayFolder } from '../vault/durable-write.js';
import type { VaultService } from '../vault/vault.service.js';
import { KeepWindows } from './keep-windows.js';
import type { RamCache } from './ram-cache.js';
import type { RecordingMode, RecordingSettings } from './recording-settings.js';
import { recordingsStoreOf } from './recordings.store.js';

/** The ring never holds more than this much per camera, whatever the pre-roll asks (a 4K camera at 20 Mbit/s). */
const RING_MAX_BYTES = 256 * 1024 ** 2;
/** A moment of motion keeps this much around it, on top of the pre- and post-roll. */
const MOTION_PULSE_MS = 1_000;

interface RingSegment {
  file: string;
  session: string;
  sequence: number;
  startedAt: number;
  endedAt: number;
  bytes: number;
  keyframes: number;
  kept: boolean;
  copying: boolean;
}

interface CameraState {
  settings: RecordingSettings;
  ring: RingSegment[];
  windows: KeepWindows;
  /** The copy queue: each copy waits for the one before. */
  chain: Promise<void>;
  sessions: Set<string>;
  lastKeptAt: number | null;
  /** The last copy found no room above the vault's free-space floor (cleared by the next one that fits). */
  noSpace: boolean;
  /** End of the latest segment seen (any session): a later session never starts before it. */
  lastEndedAt: number;
  /** Per session, ms added to its times when it started before the last one ended (the clock stepped back). */
  shifts: Map<string, number>;
}

export type RecordingState = 'off' | 'standby' | 'recording' | 'paused';

export interface RecordingStatus {
  mode: RecordingMode;
  /** standby: waiting for an event or motion; recording: keeping footage now; paused: the vault is locked. */
  state: RecordingState;
  /** Why it is paused (shown on the camera and its live tile): locked, or full down to its free-space floor. */
  reason: 'vault-locked' | 'vault-full' | null;
  lastKeptAt: number | null;
}

/** The RAM-cache folders a camera has: its running sessions' and those of finished ones still in the ring. */
const foldersOf = (camera: CameraState): Set<string> =>
  new Set([...camera.sessions, ...camera.ring.map((s) => path.dirname(s.file))]);

export function createRecorder(deps: {
  cache: RamCache;
  vault: VaultService;
  log: FastifyBaseLogger;
  /** Asked before each copy: true when `bytes` fit above the vault's free-space floor (retention makes room). */
  makeRoom?: (bytes: number) => Promise<boolean>;
  /** Told after a kept segment's row is written (the thumbnails); must return at once and never throw. */
  onKept?: (cameraId: number, segment: { startedAt: number; endedAt: number }, file: string) => void;
  now?: () => number;
}) {
  const { cache, vault, log } = deps;
  const now = deps.now ?? Date.now;
  const cameras = new Map<number, CameraState>();
  let paused = false;

  const storeNow = () => {
    const db: Sqlite.Database | null = vault.database();
    return db && !paused ? recordingsStoreOf(db) : null;
  };

  const wanted = (camera: CameraState, segment: RingSegment): boolean =>
    camera.settings.mode === 'continuous' ||
    camera.windows.covering(segment.startedAt, segment.endedAt).length > 0;

  async function copy(cameraId: number, camera: CameraState, segment: RingSegment): Promise<void> {
    const store = storeNow();
    if (!store || segment.kept) return;
    const name = `${segment.startedAt}-${segment.session}-${segment.sequence}.ts`;
    const relative = path.posix.join('recordings', String(cameraId), dayFolder(segment.startedAt), name);
    try {
      // The size now: the worker closed the segment before announcing it, so it no longer grows.
      const bytes = (await stat(segment.file)).size;
      // Never fill the disk: without room the segment stays in RAM (and is lost from the ring in time).
      camera.noSpace = deps.makeRoom !== undefined && !(await deps.makeRoom(bytes));
      if (camera.noSpace) return;
      await copyFileDurably(vault.guard, segment.file, path.join(vault.mountPoint, relative));
      // The vault may have locked while the file was written: then the row waits for the reconcile pass.
      const after = storeNow();
      if (!after) return;
      const eventIds = camera.windows
        .covering(segment.startedAt, segment.endedAt)
        .flatMap((w) => (w.eventId === null ? [] : [w.eventId]));
      after.insert({
        cameraId,
        startedAt: segment.startedAt,
        endedAt: segment.endedAt,
        bytes,
        keyframes: segment.keyframes,
        path: relative,
        eventIds,
      });
      segment.kept = true;
      camera.lastKeptAt = now();
      const { startedAt, endedAt } = segment;
      deps.onKept?.(cameraId, { startedAt, endedAt }, path.join(vault.mountPoint, relative));
    } catch (error) {
      // A disk that filled up anyway (something else wrote to it) shows like the floor: paused, vault full.
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') camera.noSpace = true;
      log.error({ err: error, cameraId, segment: relative }, 'a recording segment could not be kept');
    }
  }

  /** Queues a copy of every ring segment the mode keeps and the vault does not have yet. */
  function catchUp(cameraId: number, camera: CameraState): void {
    if (!storeNow()) return;
    for (const segment of camera.ring) {
      if (segment.kept || segment.copying || !wanted(camera, segment)) continue;
      segment.copying = true;
      camera.chain = camera.chain
        .then(() => copy(cameraId, camera, segment))
        .finally(() => {
          segment.copying = false;
        });
    }
  }

  /** Drops what no future event can need: older than the pre-roll (and a segment of slack), or over the cap. */
  function trim(camera: CameraState): void {
    const newest = camera.ring.at(-1);
    if (!newest) return;
    const slack = 2 * camera.settings.segmentSeconds * 1000;
    const horizon = newest.endedAt - camera.settings.preRollSeconds * 1000 - slack;
    let bytes = camera.ring.reduce((sum, s) => sum + s.bytes, 0);
    while (camera.ring.length > 1) {
      const oldest = camera.ring[0];
      if (!oldest || oldest.copying || (oldest.endedAt >= horizon && bytes <= RING_MAX_BYTES)) break;
      camera.ring.shift();
      bytes -= oldest.bytes;
      const dir = path.dirname(oldest.file);
      // The last segment of a finished session takes its folder with it.
      if (!camera.sessions.has(dir) && !camera.ring.some((s) => path.dirname(s.file) === dir))
        cache.dropSession(dir);
      else void rm(oldest.file, { force: true });
    }
    camera.windows.prune(horizon);
  }

  const stateOf = (cameraId: number): CameraState | undefined => cameras.get(cameraId);

  /** The camera stopped recording (mode off, deleted): its ring and session folders go once copies finish. */
  function removeCamera(cameraId: number): void {
    const camera = cameras.get(cameraId);
    if (!camera) return;
    cameras.delete(cameraId);
    void camera.chain.then(() => {
      for (const dir of foldersOf(camera)) cache.dropSession(dir);
    });
  }

  vault.writers.register({
    name: 'recorder',
    quiesce: async () => {
      paused = true;
      await Promise.allSettled([...cameras.values()].map((c) => c.chain));
    },
    resume: () => {
      paused = false;
    },
  });

  return {
    /** A camera records with these settings (new or changed: the mode and rolls apply from now). */
    configure(cameraId: number, settings: RecordingSettings): void {
      if (settings.mode === 'off') {
        removeCamera(cameraId);
        return;
      }
      const camera = cameras.get(cameraId);
      if (camera) camera.settings = settings;
      else
        cameras.set(cameraId, {
          settings,
          ring: [],
          windows: new KeepWindows(),
          chain: Promise.resolve(),
          sessions: new Set(),
          lastKeptAt: null,
          noSpace: false,
          lastEndedAt: 0,
          shifts: new Map(),
        });
    },

    /** A camera worker run starts: a fresh directory for its segments, or null when the camera does not record. */
    startSession(cameraId: number): string | null {
      const camera = cameras.get(cameraId);
      if (!camera) return null;
      const dir = cache.sessionDir(cameraId);
      camera.sessions.add(dir);
      return dir;
    },

    /** A worker closed a segment in `dir` (its session). */
    onSegment(cameraId: number, dir: string, message: SegmentMessage): void {
      const camera = stateOf(cameraId);
      if (!camera || !camera.sessions.has(dir) || path.dirname(message.path) !== dir) {
        void rm(message.path, { force: true });
        return;
      }
      // Within a session times come from the pipeline's running time and only go forward. A new session is
      // anchored on the wall clock, which NTP may have stepped back (at boot): then the whole session moves to
      // start where the last one ended, so recordings never overlap, reorder, or share a name.
      let shift = camera.shifts.get(dir);
      if (shift === undefined) {
        // After a restart the index knows where this camera's footage ends.
        if (camera.lastEndedAt === 0) camera.lastEndedAt = storeNow()?.lastEndedAt(cameraId) ?? 0;
        shift = Math.max(0, camera.lastEndedAt - message.startedAt);
        camera.shifts.set(dir, shift);
        if (shift > 0)
          log.warn({ cameraId, shiftMs: shift }, 'the clock stepped back: this session is moved on');
      }
      const startedAt = message.startedAt + shift;
      camera.lastEndedAt = Math.max(camera.lastEndedAt, startedAt + message.durationMs);
      camera.ring.push({
        file: message.path,
        session: path.basename(dir),
        sequence: message.sequence,
        startedAt,
        endedAt: startedAt + message.durationMs,
        bytes: message.bytes,
        keyframes: message.keyframes,
        kept: false,
        copying: false,
      });
      catchUp(cameraId, camera);
      trim(camera);
    },

    /** The events bus: an event opens its camera's keep window, its end closes it after the post-roll. */
    onEvent(phase: EventPhase, event: EventView): void {
      const camera = stateOf(event.cameraId);
      if (!camera || camera.settings.mode === 'off' || camera.settings.mode === 'continuous') {
        if (camera && event.id !== null && phase === 'end') linkKept(event);
        return;
      }
      const key = `event:${event.id ?? `${event.label}@${event.startedAt}`}`;
      const { preRollSeconds, postRollSeconds } = camera.settings;
      if (phase === 'end') camera.windows.close(key, (event.endedAt ?? now()) + postRollSeconds * 1000);
      else camera.windows.open(key, event.startedAt - preRollSeconds * 1000, event.id);
      catchUp(event.cameraId, camera);
      if (phase === 'end' && event.id !== null) linkKept(event);
    },

    /** Motion seen on a camera at `at` (the inference worker's analysed frames): kept in `motion` mode. */
    onMotion(cameraId: number, at: number): void {
      const camera = stateOf(cameraId);
      if (!camera || camera.settings.mode !== 'motion') return;
      const { preRollSeconds, postRollSeconds } = camera.settings;
      camera.windows.pulse(
        'motion',
        at - preRollSeconds * 1000,
        at + MOTION_PULSE_MS + postRollSeconds * 1000,
      );
      catchUp(cameraId, camera);
    },

    /** A worker session ended (the worker exited or restarts): its open, unreported segment goes. */
    endSession(cameraId: number, dir: string): void {
      const camera = stateOf(cameraId);
      camera?.sessions.delete(dir);
      camera?.shifts.delete(dir);
      void (async () => {
        await camera?.chain;
        // The session's segments still in the ring stay until trimmed; anything else in its folder goes now.
        const inRing = new Set(camera?.ring.map((s) => s.file) ?? []);
        if (![...inRing].some((file) => path.dirname(file) === dir)) {
          cache.dropSession(dir);
          return;
        }
        const names = await readdir(dir).catch(() => []);
        for (const name of names)
          if (!inRing.has(path.join(dir, name))) await rm(path.join(dir, name), { force: true });
      })();
    },

    removeCamera,

    status(cameraId: number, mode: RecordingMode): RecordingStatus {
      const camera = stateOf(cameraId);
      const lastKeptAt = camera?.lastKeptAt ?? null;
      if (mode === 'off' || !camera) return { mode, state: 'off', reason: null, lastKeptAt };
      if (!vault.database()) return { mode, state: 'paused', reason: 'vault-locked', lastKeptAt };
      if (camera.noSpace) return { mode, state: 'paused', reason: 'vault-full', lastKeptAt };
      const newest = camera.ring.at(-1);
      const keeping =
        mode === 'continuous' ||
        camera.windows.covering(now() - 1, newest ? Math.max(now(), newest.endedAt) : now()).length > 0;
      return { mode, state: keeping ? 'recording' : 'standby', reason: null, lastKeptAt };
    },

    /**
     * Shutdown: waits for the copies under way, then empties the RAM cache of every camera's segments (RAM is
     * not given back by a process exit, and what was not kept by now never will be).
     */
    async close(): Promise<void> {
      await Promise.allSettled([...cameras.values()].map((c) => c.chain));
      for (const camera of cameras.values()) for (const dir of foldersOf(camera)) cache.dropSession(dir);
      cameras.clear();
    },
  };

  /** An event that ended: link it to the segments already kept over its span (pre-roll, continuous mode). */
  function linkKept(event: EventView): void {
    const store = storeNow();
    const camera = stateOf(event.cameraId);
    if (!store || !camera || event.id === null) return;
    const { preRollSeconds, postRollSeconds } = camera.settings;
    const to = (event.endedAt ?? now()) + postRollSeconds * 1000;
    void camera.chain.then(() => {
      const later = storeNow();
      if (later && event.id !== null)
        later.linkEvent(event.id, event.cameraId, event.startedAt - preRollSeconds * 1000, to);
    });
  }
}

export type Recorder = ReturnType<typeof createRecorder>;

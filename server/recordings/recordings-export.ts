/**
 * Exporting a recorded range as one MP4 into the vault's `files/Exports/`, where the file manager shows,
 * downloads and shares it. `start` checks the request, picks the file's name and answers at once; the job then
 * remuxes the segments (export-remuxer.ts: no re-encode, the clock joined across sessions and gaps), writes
 * beside the files root and moves the whole file into place (export-files.ts). One export runs at a time, a few
 * more may wait. Progress goes to the user who asked, on /api/ws (`recordings.export`), a few times a second.
 * A registered vault writer: a safe lock (and the server's close) cancels every export, waits until its program
 * has exited, and removes its working files, so nothing half-written stays on the vault.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { rm, statfs } from 'node:fs/promises';
import type { AuditRepository } from '../audit/audit.repository.js';
import { createCamerasRepository } from '../cameras/cameras.repository.js';
import type { Database } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { storageError } from '../files/file-copy.js';
import type { FilesService } from '../files/files.service.js';
import { Semaphore } from '../lib/semaphore.js';
import { vaultLocked } from '../vault/vault-guard.js';
import type { Actor, VaultService } from '../vault/vault.service.js';
import type { WsHub } from '../ws/ws-hub.js';
import {
  ensureExportsFolder,
  exportPath,
  freeName,
  placeExport,
  sweepWorkDir,
  workDir,
  workFiles,
} from './export-files.js';
import { exportFileName } from './export-names.js';
import { RemuxAborted, RemuxError, remuxToMp4, type RemuxInput } from './export-remuxer.js';
import { openRecordingFile } from './recording-file.js';
import { recordingsStoreOf, type RecordingRecord } from './recordings.store.js';
import {
  EXPORT_TOPIC,
  MAX_EXPORT_SPAN_MS,
  type ExportBody,
  type ExportProgress,
  type ExportStarted,
} from './recordings-export.schemas.js';

/** Exports under way or waiting at once; one more is refused with EXPORT_BUSY. */
const MAX_PENDING = 4;
/** Progress goes out at most this often per export, ms (the final state always goes). */
const PROGRESS_INTERVAL_MS = 250;
/** Room asked for, as a multiple of the segments' bytes: mp4mux holds the pictures once more until the end. */
const ROOM_FACTOR = 2;

const badRange = (message: string) => new AppError('BAD_RANGE', 400, message);

interface Job {
  id: string;
  userId: number;
  cameraId: number;
  /** The name as first picked (for " (n)"), and the one it is reserved under now. */
  base: string;
  name: string;
  segments: readonly RecordingRecord[];
  abort: AbortController;
  /** Why it was called off, when it was (a safe lock, the server closing). */
  cancelled: AppError | null;
  sentAt: number;
  sentProgress: number;
  finished: Promise<void>;
}

export function createRecordingExports(deps: {
  db: Kysely<Database>;
  vault: VaultService;
  files: FilesService;
  hub: WsHub;
  audit: AuditRepository;
  log: FastifyBaseLogger;
  /** The export program, dist/media/recording-export.js. */
  programPath: string;
}) {
  const { vault, files, hub, audit, log, programPath } = deps;
  const cameras = createCamerasRepository(deps.db);
  const semaphore = new Semaphore(1);
  const jobs = new Map<string, Job>();
  let accepting = true;

  const taken = (name: string, except?: Job) =>
    [...jobs.values()].some((job) => job !== except && job.name === name);

  function send(job: Job, data: Omit<ExportProgress, 'id'>): void {
    job.sentAt = Date.now();
    job.sentProgress = data.progress;
    hub.sendToUser(job.userId, { type: 'event', topic: EXPORT_TOPIC, data: { id: job.id, ...data } });
  }

  function progress(job: Job, value: number): void {
    const rounded = Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
    if (rounded <= job.sentProgress || Date.now() - job.sentAt < PROGRESS_INTERVAL_MS) return;
    send(job, { state: 'running', progress: rounded, path: exportPath(job.name) });
  }

  const inputOf = (segment: RecordingRecord): RemuxInput => ({
    bytes: segment.bytes,
    async read() {
      // Retention may have removed it since the export started: the export goes on without it.
      const opened = await openRecordingFile(vault.mountPoint, segment.path);
      if (opened === null) return null;
      try {
        return await opened.file.readFile();
      } finally {
        await opened.file.close();
      }
    },
  });

  /** What the user is told when an export fails; the details go to the log. */
  function failure(job: Job, error: unknown): AppError {
    if (job.cancelled !== null) return job.cancelled;
    const stored = storageError(error);
    if (stored instanceof AppError) return stored;
    if (error instanceof RemuxError)
      return new AppError('EXPORT_FAILED', 500, 'The recording could not be made into an MP4.');
    return new AppError('INTERNAL', 500, 'The export failed.');
  }

  // A function, not the property: a safe lock can abort while the remux is awaited, which narrowing cannot see.
  const aborted = (job: Job) => job.abort.signal.aborted;

  async function work(job: Job): Promise<void> {
    if (aborted(job)) throw new RemuxAborted('cancelled while waiting');
    await workDir(vault.guard, vault.mountPoint);
    const { partial, mdat } = workFiles(vault.mountPoint, job.id);
    try {
      await vault.guard.assertWritable(partial);
      const result = await remuxToMp4({
        programPath,
        inputs: job.segments.map(inputOf),
        output: partial,
        faststartFile: mdat,
        signal: job.abort.signal,
        onProgress: (value) => progress(job, value * 0.99),
      });
      if (aborted(job)) throw new RemuxAborted('cancelled');
      const placed = await placeExport(files, partial, job.base, job.name, (name) => taken(name, job));
      job.name = placed.name;
      log.info(
        { export: job.id, camera: job.cameraId, path: placed.path, bytes: placed.size, ...result },
        'recording exported',
      );
      send(job, { state: 'done', progress: 1, path: placed.path });
    } finally {
      // Gone whatever happened: the whole file was linked into place, a failed one is not kept.
      await rm(partial, { force: true });
      await rm(mdat, { force: true });
    }
  }

  function launch(job: Job): Promise<void> {
    return semaphore
      .run(() => work(job))
      .catch((error: unknown) => {
        const reported = failure(job, error);
        if (job.cancelled === null)
          log.error({ err: error, export: job.id, camera: job.cameraId }, 'recording export failed');
        send(job, {
          state: 'failed',
          progress: job.sentProgress,
          path: exportPath(job.name),
          error: { code: reported.code, message: reported.message },
        });
      })
      .finally(() => {
        jobs.delete(job.id);
      });
  }

  /** Calls off every export, waits until each has stopped and cleaned up. */
  async function cancelAll(reason: AppError): Promise<void> {
    for (const job of jobs.values()) {
      job.cancelled ??= reason;
      job.abort.abort();
    }
    await Promise.all([...jobs.values()].map((job) => job.finished));
  }

  const unregister = vault.writers.register({
    name: 'recording exports',
    quiesce: async () => {
      accepting = false;
      await cancelAll(
        new AppError('VAULT_LOCKED', 423, 'The vault was locked, so the export was stopped. Start it again.'),
      );
    },
    resume: () => {
      accepting = true;
    },
  });
  // After a crash or a kill, the working files of exports that will never finish go when the vault opens.
  const stopSweeping = vault.onDatabase((db) => {
    if (db === null) return;
    sweepWorkDir(vault.guard, vault.mountPoint, new Set(jobs.keys()))
      .then((removed) => {
        if (removed > 0) log.info({ removed }, 'unfinished recording exports removed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'removing unfinished exports failed'));
  });

  return {
    /**
     * Starts exporting a camera's segments overlapping [from, to) and answers with the export's id and where the
     * MP4 will be. BAD_RANGE, NOT_FOUND (camera), NO_RECORDINGS, VAULT_LOCKED, INSUFFICIENT_STORAGE, EXPORT_BUSY.
     */
    async start(actor: Actor, body: ExportBody): Promise<ExportStarted> {
      const { camera: cameraId, from, to } = body;
      if (from >= to) throw badRange('"from" must be before "to".');
      if (to - from > MAX_EXPORT_SPAN_MS)
        throw badRange(
          `Export at most 24 hours (${MAX_EXPORT_SPAN_MS} ms) at a time; this is ${to - from} ms.`,
        );
      const camera = await cameras.findById(cameraId);
      if (!camera) throw notFound('Camera');
      const db = vault.database();
      if (!accepting || db === null) throw vaultLocked();
      const segments = recordingsStoreOf(db).segments(cameraId, from, to);
      const first = segments[0];
      const last = segments.at(-1);
      if (first === undefined || last === undefined)
        throw new AppError('NO_RECORDINGS', 404, 'Nothing was recorded by this camera between those times.');
      if (jobs.size >= MAX_PENDING)
        throw new AppError(
          'EXPORT_BUSY',
          409,
          'Several exports are already under way. Try again when one is done.',
        );
      const bytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
      const space = await statfs(vault.mountPoint);
      if (space.bavail * space.bsize < bytes * ROOM_FACTOR)
        throw new AppError('INSUFFICIENT_STORAGE', 507, 'The vault does not have room for this export.');
      await ensureExportsFolder(files);

      const base = exportFileName(
        { id: cameraId, name: camera.name },
        Math.max(from, first.startedAt),
        Math.min(to, last.endedAt),
      );
      const name = await freeName(files, base, (other) => taken(other));
      const job: Job = {
        id: randomBytes(8).toString('hex'),
        userId: actor.user.userId,
        cameraId,
        base,
        name,
        segments,
        abort: new AbortController(),
        cancelled: null,
        sentAt: 0,
        sentProgress: 0,
        finished: Promise.resolve(),
      };
      await audit.record({
        action: 'recording.export',
        userId: actor.user.userId,
        username: actor.user.username,
        ip: actor.ip,
        detail:
          `camera ${cameraId}, ${new Date(from).toISOString()} – ${new Date(to).toISOString()}, ` +
          `${segments.length} segments → ${exportPath(name)}`,
      });
      // Taken from here on: a second export of the same range gets " (2)".
      jobs.set(job.id, job);
      send(job, { state: 'running', progress: 0, path: exportPath(name) });
      job.finished = launch(job);
      return { id: job.id, name, path: exportPath(name) };
    },

    /** Exports under way or waiting. */
    get pending(): number {
      return jobs.size;
    },

    /** At the server's close: every export stops, its working files go. */
    async close(): Promise<void> {
      accepting = false;
      await cancelAll(new AppError('SHUTTING_DOWN', 503, 'The server stopped, so the export was stopped.'));
      unregister();
      stopSweeping();
    },
  };
}
export type RecordingExports = ReturnType<typeof createRecordingExports>;

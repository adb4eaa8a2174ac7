/**
 * Thumbnails along the recordings timeline, made at record time. When the recorder has kept a segment and its
 * camera has no thumbnail within THUMBNAIL_INTERVAL_MS of it (in segment time), the segment's first picture (a
 * keyframe: segments start on one) becomes a small JPEG at recordings/<camera>/<day>/thumbs/<startedAt>.jpg,
 * indexed in vault.db's recording_thumbnails. Decoding runs in a child process (thumbnail-decoder.ts), one at a
 * time per camera and a few at once in all; a failure is logged and never reaches the recorder. It is a
 * registered vault writer: a safe lock aborts the decodes under way (their children hold a segment open on the
 * volume) and waits for them and for the writes. Retention and the reconcile pass keep the files and rows in
 * step with the segments (retention.ts, thumbnails-reconcile.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import path from 'node:path';
import { Semaphore } from '../lib/semaphore.js';
import { dayFolder, writeFileDurably } from '../vault/durable-write.js';
import type { VaultService } from '../vault/vault.service.js';
import { RECORDINGS_DIR } from './recording-file.js';
import { thumbnailsStoreOf } from './recording-thumbnails.store.js';
import { decodeThumbnail, ThumbnailError } from './thumbnail-decoder.js';

/** At most one thumbnail per camera in this much segment time (2.5 min: ~580 a day, ~15 KiB each). */
export const THUMBNAIL_INTERVAL_MS = 150_000;
/** Thumbnail width in px; the height keeps the camera's shape. */
export const THUMBNAIL_WIDTH = 320;
/** The folder inside a day folder that holds its thumbnails (the segments' reconcile pass skips it). */
export const THUMBS_FOLDER = 'thumbs';
/** A decode that takes longer is killed (a segment is a few seconds of one camera). */
const DECODE_TIMEOUT_MS = 15_000;
/** After a failure the camera waits this much segment time before the next try, not every segment. */
const RETRY_AFTER_MS = 30_000;
/** Decodes at once over all cameras: each is a process and a decoder, on a 2-core appliance. */
const CONCURRENT_DECODES = 2;

/** What the recorder tells about a segment it kept. */
export interface KeptSegment {
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  endedAt: number;
}

/** Where a camera's thumbnail for the segment that started at `at` lives, relative to the vault root. */
export function thumbnailPath(cameraId: number, at: number): string {
  return path.posix.join(RECORDINGS_DIR, String(cameraId), dayFolder(at), THUMBS_FOLDER, `${at}.jpg`);
}

export function createThumbnailMaker(deps: {
  vault: VaultService;
  log: FastifyBaseLogger;
  /** The thumbnail program, dist/media/thumbnail.js. */
  programPath: string;
  /** Default THUMBNAIL_INTERVAL_MS. */
  intervalMs?: number;
  /** Default THUMBNAIL_WIDTH. */
  width?: number;
  /** Default 15 s. */
  timeoutMs?: number;
}) {
  const { vault, log, programPath } = deps;
  const intervalMs = deps.intervalMs ?? THUMBNAIL_INTERVAL_MS;
  const width = deps.width ?? THUMBNAIL_WIDTH;
  const timeoutMs = deps.timeoutMs ?? DECODE_TIMEOUT_MS;
  const semaphore = new Semaphore(CONCURRENT_DECODES);
  /** Cameras with a thumbnail under way. */
  const busy = new Set<number>();
  /** Per camera, the segment time of the last failed try. */
  const failedAt = new Map<number, number>();
  const running = new Set<Promise<void>>();
  let abort = new AbortController();
  let paused = false;
  let closed = false;

  function due(cameraId: number, at: number): boolean {
    if (paused || closed || busy.has(cameraId)) return false;
    const failed = failedAt.get(cameraId);
    if (failed !== undefined && Math.abs(at - failed) < RETRY_AFTER_MS) return false;
    const db = vault.database();
    return db !== null && !thumbnailsStoreOf(db).hasNear(cameraId, at, intervalMs);
  }

  async function make(cameraId: number, at: number, file: string, signal: AbortSignal): Promise<void> {
    const picture = await semaphore.run(() =>
      signal.aborted
        ? Promise.reject(new ThumbnailError('aborted before it started'))
        : decodeThumbnail(programPath, { input: file, width }, { timeoutMs, signal }),
    );
    // A safe lock began while it was decoded: no new write.
    if (signal.aborted) throw new ThumbnailError('aborted before it was written');
    const relative = thumbnailPath(cameraId, at);
    await writeFileDurably(vault.guard, path.join(vault.mountPoint, relative), picture.jpeg);
    // Locked since the write: the reconcile pass indexes the file from its name at the next unlock.
    const db = vault.database();
    if (db !== null)
      thumbnailsStoreOf(db).insert({ cameraId, at, path: relative, bytes: picture.jpeg.length });
  }

  const unregister = vault.writers.register({
    name: 'recording-thumbnails',
    quiesce: async () => {
      paused = true;
      abort.abort();
      await Promise.allSettled([...running]);
      abort = new AbortController();
    },
    resume: () => {
      paused = false;
    },
  });

  return {
    /**
     * The recorder kept `segment` of `cameraId` at `file` (absolute, on the vault) and indexed it. Makes its
     * thumbnail in the background when one is due; returns at once and never throws.
     */
    onKept(cameraId: number, segment: KeptSegment, file: string): void {
      try {
        if (!due(cameraId, segment.startedAt)) return;
      } catch (error) {
        // vault.db closing under the query: this segment simply gets no thumbnail.
        log.warn({ err: error, cameraId }, 'could not tell whether a thumbnail is due');
        return;
      }
      busy.add(cameraId);
      const { signal } = abort;
      const job: Promise<void> = make(cameraId, segment.startedAt, file, signal)
        .then(
          () => {
            failedAt.delete(cameraId);
          },
          (error: unknown) => {
            if (signal.aborted) return;
            failedAt.set(cameraId, segment.startedAt);
            log.warn({ err: error, cameraId, segment: file }, 'a recording thumbnail could not be made');
          },
        )
        .finally(() => {
          busy.delete(cameraId);
          running.delete(job);
        });
      running.add(job);
    },

    /** Thumbnails under way (tests wait for them). */
    settled: (): Promise<unknown> => Promise.allSettled([...running]),

    /** Shutdown: aborts the decodes under way and waits for them; nothing new starts. Safe to call twice. */
    async close(): Promise<void> {
      closed = true;
      abort.abort();
      await Promise.allSettled([...running]);
      unregister();
    },
  };
}

export type ThumbnailMaker = ReturnType<typeof createThumbnailMaker>;

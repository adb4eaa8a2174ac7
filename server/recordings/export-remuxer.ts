/**
 * Runs the export program (dist/media/recording-export.js) for one export: the kept segments, read here one at a
 * time, joined into one MPEG-TS with a forward-only clock (media/ts-retime.ts) and written into the program's
 * stdin; the program remuxes them into one MP4 at `output`. The pictures are never decoded or re-encoded. The
 * child is killed on abort or when nothing moves for STALL_MS; every outcome settles only once it has exited, so
 * the files it wrote are closed (a safe lock may unmount right after). Its stderr is kept, a little, for errors.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { ExportReply, ExportRequest } from '../../media/export-protocol.js';
import { scanTiming, shiftTimestamps, TICKS_PER_SECOND, TsJoiner } from '../../media/ts-retime.js';

/** The remux failed: the program reported an error, died, stalled, or had no footage to work on. */
export class RemuxError extends Error {
  readonly code = 'EXPORT_FAILED';
}

/** The remux was called off (the signal fired); what it wrote is the caller's to remove. */
export class RemuxAborted extends Error {
  readonly code = 'EXPORT_ABORTED';
}

/** One segment to export: its size in bytes (for progress) and how to read it (null: it is gone meanwhile). */
export interface RemuxInput {
  bytes: number;
  read(): Promise<Uint8Array | null>;
}

export interface RemuxResult {
  /** Segments written into the MP4 and segments skipped (their file was gone, or held no picture). */
  segments: number;
  skipped: number;
  /** Jumps closed between segments (new recording sessions, gaps). */
  joins: number;
  /** The MP4's duration, ms. */
  durationMs: number;
}

/** Most stderr kept, in bytes. */
const STDERR_KEEP = 4096;
/** How often the files are looked at for progress and the stall watch, ms. */
const POLL_MS = 250;
/** A remux whose input and output have not moved for this long is killed (ms). */
const STALL_MS = 60_000;

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null; // not made yet, or (mp4mux's own temporary file) removed once it was copied
  }
}

export function remuxToMp4(options: {
  programPath: string;
  inputs: readonly RemuxInput[];
  output: string;
  faststartFile: string;
  signal: AbortSignal;
  /** 0..1: the first half while the segments go in, the second while mp4mux writes the pictures behind its index. */
  onProgress: (progress: number) => void;
  stallMs?: number;
}): Promise<RemuxResult> {
  const { inputs, output, faststartFile, signal, onProgress } = options;
  const total = Math.max(
    1,
    inputs.reduce((sum, input) => sum + input.bytes, 0),
  );
  const stallMs = options.stallMs ?? STALL_MS;
  if (signal.aborted) return Promise.reject(new RemuxAborted('the export was cancelled'));

  const child: ChildProcess = fork(options.programPath, [], {
    serialization: 'advanced',
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < STDERR_KEEP) stderr = (stderr + chunk).slice(0, STDERR_KEEP);
  });
  // A write after the program died fails with EPIPE; its exit (or its reply) tells the outcome instead.
  child.stdin?.on('error', () => undefined);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  /** Settles when the program replies or dies: 'done', or why it failed (any other string). */
  const answered = new Promise<string>((resolve) => {
    child.on('message', (message: ExportReply) =>
      resolve(message.type === 'done' ? 'done' : message.message),
    );
    child.once('error', (error) => resolve(error.message));
    void exited.then(() =>
      resolve(
        `the program ended (${child.signalCode ?? String(child.exitCode)}) before the file was complete`,
      ),
    );
  });
  let stopReason: Error | null = null;
  const stop = (reason: Error) => {
    stopReason ??= reason;
    child.kill('SIGKILL');
  };
  const onAbort = () => stop(new RemuxAborted('the export was cancelled'));
  signal.addEventListener('abort', onAbort, { once: true });

  let fed = 0;
  let feeding = true;
  let mdatBytes = 0;
  let lastMove = Date.now();
  let lastSizes = '';
  const poll = setInterval(() => {
    void Promise.all([sizeOf(output), sizeOf(faststartFile)]).then(([written, mdat]) => {
      if (mdat !== null) mdatBytes = Math.max(mdatBytes, mdat);
      const sizes = `${fed}/${written}/${mdat}`;
      if (sizes !== lastSizes) {
        lastSizes = sizes;
        lastMove = Date.now();
      } else if (Date.now() - lastMove > stallMs) {
        stop(new RemuxError(`nothing moved for ${Math.round(stallMs / 1000)} s`));
      }
      if (feeding) onProgress((0.5 * fed) / total);
      else onProgress(0.5 + 0.5 * Math.min(1, (written ?? 0) / Math.max(1, mdatBytes)));
    });
  }, POLL_MS);

  const write = async (bytes: Uint8Array): Promise<void> => {
    const stdin = child.stdin;
    if (stdin === null || stdin.destroyed) throw new RemuxError('the program is gone');
    if (stdin.write(bytes)) return;
    const drained = new Promise<void>((resolve) => stdin.once('drain', resolve));
    await Promise.race([drained, exited]);
  };

  const run = async (): Promise<RemuxResult> => {
    const joiner = new TsJoiner();
    let segments = 0;
    let skipped = 0;
    let requested = false;
    for (const input of inputs) {
      if (stopReason !== null) throw stopReason;
      const bytes = await input.read();
      const timing = bytes === null ? null : scanTiming(bytes);
      if (bytes === null || timing === null) skipped += 1;
      else {
        // The request waits for the first segment: whether it carries audio decides the program's pipeline.
        if (!requested) {
          child.send({ type: 'export', output, faststartFile, audio: timing.audio } satisfies ExportRequest);
          requested = true;
        }
        shiftTimestamps(bytes, joiner.next(timing));
        await write(bytes);
        segments += 1;
      }
      fed += input.bytes;
    }
    feeding = false;
    if (segments === 0) stop(new RemuxError('none of the segments could be read'));
    child.stdin?.end();
    const answer = await answered;
    if (stopReason !== null) throw stopReason;
    if (answer !== 'done')
      throw new RemuxError(stderr.trim() === '' ? answer : `${answer}: ${stderr.trim()}`);
    return {
      segments,
      skipped,
      joins: joiner.joins,
      durationMs: Math.round((joiner.durationTicks / TICKS_PER_SECOND) * 1000),
    };
  };

  return run()
    .catch((error: unknown) => {
      stop(error instanceof Error ? error : new RemuxError(String(error)));
      throw stopReason ?? error;
    })
    .finally(async () => {
      clearInterval(poll);
      signal.removeEventListener('abort', onAbort);
      // The program exits by itself after its reply; whatever else happened, it must be gone before we settle.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
}

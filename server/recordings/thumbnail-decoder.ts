/**
 * Runs the thumbnail program (dist/media/thumbnail.js) for one picture: a child process per call, so the decode
 * never runs on the server's event loop and a decoder that hangs or crashes takes only itself down. The child
 * is killed at the deadline or on abort; its stderr (GStreamer's warnings) is kept, a little of it, for the log.
 */
import { fork } from 'node:child_process';
import type { ThumbnailReply, ThumbnailRequest } from '../../media/thumbnail-protocol.js';

/** A thumbnail could not be made: the decode failed, timed out, was aborted, or the program died. */
export class ThumbnailError extends Error {
  readonly code = 'THUMBNAIL_FAILED';
}

export interface DecodedThumbnail {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** Most stderr kept per child, in bytes. */
const STDERR_KEEP = 4096;

export function decodeThumbnail(
  programPath: string,
  request: Omit<ThumbnailRequest, 'type'>,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<DecodedThumbnail> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(new ThumbnailError('aborted before it started'));
      return;
    }
    const child = fork(programPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEEP) stderr = (stderr + chunk).slice(0, STDERR_KEEP);
    });
    let settled = false;
    let exited = false;
    // Settles only once the child is gone: a safe lock that aborts a decode must not find the segment still open.
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (exited || child.pid === undefined) {
        outcome();
        return;
      }
      child.once('exit', outcome);
      // After a reply too: the program has released GStreamer by then and only has its exit left.
      child.kill('SIGKILL');
    };
    const failure = (message: string) =>
      settle(() =>
        reject(new ThumbnailError(stderr.trim() === '' ? message : `${message}: ${stderr.trim()}`)),
      );
    const onAbort = () => failure('aborted');
    const timer = setTimeout(() => failure(`no picture within ${options.timeoutMs} ms`), options.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: ThumbnailReply) => {
      if (message.type === 'thumbnail') {
        const { jpeg, width, height } = message;
        settle(() => resolve({ jpeg: Buffer.from(jpeg), width, height }));
      } else failure(message.message);
    });
    child.on('error', (error) => failure(error.message));
    child.on('exit', (code, exitSignal) => {
      exited = true;
      failure(`the program ended (${exitSignal ?? code}) without a picture`);
    });
    child.send({ type: 'thumbnail', ...request } satisfies ThumbnailRequest);
  });
}

import type { Multipart, MultipartFile } from '@fastify/multipart';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError, validationFailed } from '../../errors.js';
import { vaultLocked, type VaultGuard } from '../../vault/vault-guard.js';
import { storageError } from '../file-copy.js';
import type { FileRootName } from '../file-roots.js';
import type { FilesService } from '../files.service.js';
import { safeBaseName } from '../path-safety.js';
import { finalizeUpload } from './finalize-upload.js';
import type { InFlight } from './in-flight.js';
import { streamToFile } from './stream-to-file.js';
import { assertRoom } from './upload-store.js';
import {
  parseConflict,
  payloadTooLarge,
  uploadFolder,
  type ConflictPolicy,
  type UploadedEntry,
} from './upload-target.js';

export interface MultipartOutcome {
  uploaded: UploadedEntry[];
  failed: { name: string; code: string; message: string }[];
}

/** The request itself broke off or broke a limit: a 4xx with a code (an fs failure stays a 500). */
function requestError(error: unknown): unknown {
  if (error instanceof AppError || (error as { syscall?: unknown }).syscall !== undefined) return error;
  if ((error as { statusCode?: unknown }).statusCode === 413) {
    return new AppError('PAYLOAD_TOO_LARGE', 413, 'Too many files or fields in one request.', {
      cause: error,
    });
  }
  return new AppError('INVALID_MULTIPART', 400, 'The multipart body is malformed or was cut off.', {
    cause: error,
  });
}

/** Reads a part to its end: the next part (and the end of the request) waits for it. */
async function drain(file: Readable): Promise<void> {
  if (file.readableEnded || file.destroyed) return;
  file.resume();
  await finished(file).catch(() => undefined); // a broken request surfaces from the part iterator instead
}

/**
 * `POST /api/files/upload`: each part named `file` streams into a partial file under `<vault>/.uploads/multipart/`
 * (guard-checked), is fsynced and finalised into the folder like a tus upload. A bad part does not stop the
 * others. Partials never outlive their request: a failure, a size limit or a safe lock removes them.
 */
export function createMultipartUploads(deps: {
  files: FilesService;
  guard: VaultGuard;
  inFlight: InFlight;
  /** `<vault>/.uploads/multipart`. */
  dir: string;
  mountPoint: string;
  /** Largest file accepted, in bytes (config.uploads.maxBytes; busboy truncates beyond it). */
  maxBytes: number;
}) {
  const { files, guard, inFlight, dir, mountPoint, maxBytes } = deps;
  const partials = new Set<string>();

  async function receivePart(
    part: MultipartFile,
    target: { folder: string; conflict: ConflictPolicy },
  ): Promise<UploadedEntry> {
    let partial: string | null = null;
    try {
      if (part.fieldname !== 'file') throw validationFailed('Files go in parts named "file".');
      const name = safeBaseName(part.filename);
      inFlight.assertAccepting();
      partial = path.join(dir, `${randomBytes(16).toString('hex')}.part`);
      await guard.assertWritable(partial);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      partials.add(partial);
      await streamToFile(part.file, partial, { flags: 'wx' }).catch((error: unknown) => {
        throw storageError(error);
      });
      if (part.file.truncated) throw payloadTooLarge(maxBytes);
      return await finalizeUpload(files, partial, { ...target, name });
    } finally {
      await drain(part.file);
      if (partial !== null) {
        // Finalised: already moved, so this does nothing. Anything else: the partial goes now.
        await rm(partial, { force: true });
        partials.delete(partial);
      }
    }
  }

  return {
    /** True for a partial that a request is writing (the expiry sweep leaves it alone). */
    busy: (file: string) => partials.has(file),

    async receive(input: {
      parts: AsyncIterable<Multipart>;
      /** Target folder (API path), default `/`. */
      path: string | undefined;
      /** The place `path` is in; only `files` (the default) takes uploads. */
      root: FileRootName | undefined;
      conflict: string | undefined;
      /** Content-Length of the whole request, when the client sent one (checked against free space). */
      contentLength: number | undefined;
      /** Cuts the request off (a safe lock): its current part fails, and its partial is removed. */
      abort: () => void;
    }): Promise<MultipartOutcome> {
      // Judged before any byte is read: policy, folder, room for the whole request, and the lock (last, so
      // that a lock starting from here on finds this request registered and aborts it).
      const conflict = parseConflict(input.conflict);
      const folder = await uploadFolder(files, input.path ?? '/', input.root);
      if (input.contentLength !== undefined) await assertRoom(mountPoint, input.contentLength);
      inFlight.assertAccepting();

      const outcome: MultipartOutcome = { uploaded: [], failed: [] };
      const refusals: AppError[] = [];
      let aborted = false;
      const stopAbort = inFlight.onAbort(() => {
        aborted = true;
        input.abort();
      });
      try {
        await inFlight.track(async () => {
          try {
            for await (const part of input.parts) {
              if (part.type !== 'file') continue; // form fields carry nothing we use; limits keep them small
              try {
                outcome.uploaded.push(await receivePart(part, { folder: folder.api, conflict }));
              } catch (error) {
                if (!(error instanceof AppError)) throw error;
                refusals.push(error);
                outcome.failed.push({ name: part.filename, code: error.code, message: error.message });
              }
            }
          } catch (error) {
            if (aborted) throw vaultLocked();
            const failure = requestError(error);
            if (!(failure instanceof AppError) || outcome.uploaded.length === 0) throw failure;
            outcome.failed.push({ name: '', code: failure.code, message: failure.message });
          }
        });
      } finally {
        stopAbort();
      }
      // Nothing stored: the request failed as a whole, with its first refusal's status.
      const first = refusals[0];
      if (outcome.uploaded.length === 0 && first !== undefined) {
        throw new AppError(first.code, first.statusCode, first.message, {
          cause: first,
          details: { failed: outcome.failed },
        });
      }
      if (outcome.uploaded.length === 0) throw validationFailed('Send the files as parts named "file".');
      return outcome;
    },
  };
}

export type MultipartUploads = ReturnType<typeof createMultipartUploads>;

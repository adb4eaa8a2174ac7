import { ERRORS, MemoryLocker, Metadata, Server, type CancellationContext } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { AppError, unauthenticated } from '../../errors.js';
import { storageError } from '../file-copy.js';
import type { FilesService } from '../files.service.js';
import { finalizeUpload } from './finalize-upload.js';
import type { InFlight } from './in-flight.js';
import { requestBodyStream } from './request-body-stream.js';
import { payloadTooLarge, resolveUploadTarget, type UploadedEntry } from './upload-target.js';
import { assertRoom, UPLOAD_ID, uploadNotFound, type VaultUploadStore } from './upload-store.js';

/** Where tus lives: POST creates, HEAD/PATCH/DELETE `/api/uploads/<id>` resume, send and cancel. */
export const TUS_PATH = '/api/uploads';
/** Response header of the request that finished an upload: the stored file's API path, percent-encoded. */
export const UPLOADED_PATH_HEADER = 'Vigil-Upload-Path';

/** The signed-in user of the request tus is handling (its hooks get a web Request, not fastify's). */
const callers = new AsyncLocalStorage<{ userId: number }>();

/** tus's own refusals, with codes as stable as the rest of the API's. */
const TUS_ERROR_CODES = new Map<unknown, string>([
  [ERRORS.FILE_NOT_FOUND, 'NOT_FOUND'],
  [ERRORS.FILE_NO_LONGER_EXISTS, 'UPLOAD_EXPIRED'],
  [ERRORS.INVALID_OFFSET, 'UPLOAD_OFFSET_MISMATCH'],
  [ERRORS.MISSING_OFFSET, 'UPLOAD_OFFSET_REQUIRED'],
  [ERRORS.INVALID_CONTENT_TYPE, 'UNSUPPORTED_MEDIA_TYPE'],
  [ERRORS.INVALID_LENGTH, 'UPLOAD_LENGTH_REQUIRED'],
  [ERRORS.INVALID_METADATA, 'INVALID_METADATA'],
  [ERRORS.ABORTED, 'UPLOAD_ABORTED'],
  [ERRORS.ERR_LOCK_TIMEOUT, 'UPLOAD_BUSY'],
]);
const CODES_BY_STATUS: Record<number, string> = {
  404: 'NOT_FOUND',
  409: 'UPLOAD_OFFSET_MISMATCH',
  410: 'UPLOAD_EXPIRED',
  412: 'TUS_VERSION_UNSUPPORTED',
  413: 'PAYLOAD_TOO_LARGE',
  501: 'NOT_SUPPORTED',
};

const jsonError = (status: number, code: string, message: string) => ({
  status_code: status,
  body: JSON.stringify({ code, message }),
});

/** Any failure inside tus as `{ code, message }`; unexpected ones keep their details in the log, as in the app's handler. */
function errorResponse(failure: unknown, log: FastifyBaseLogger): { status_code: number; body: string } {
  const error = storageError(failure); // a full disk is 507 wherever tus noticed it
  if (error instanceof AppError) {
    if (error.statusCode >= 500 && error.code !== 'INSUFFICIENT_STORAGE')
      log.error({ err: error }, 'upload failed');
    return jsonError(error.statusCode, error.code, error.message);
  }
  const known = error as { status_code?: unknown; body?: unknown } | null;
  if (typeof known?.status_code === 'number' && known.status_code < 500 && typeof known.body === 'string') {
    const code = TUS_ERROR_CODES.get(error) ?? CODES_BY_STATUS[known.status_code] ?? 'BAD_REQUEST';
    return jsonError(known.status_code, code, known.body.trim());
  }
  log.error({ err: error }, 'upload failed');
  return jsonError(500, 'INTERNAL', 'Something went wrong on the server; the log has the details.');
}

/**
 * tus with two changes: refusals it answers itself (412 without Tus-Resumable, 400 for a malformed header) are
 * JSON too, and request bodies reach it without srvx's per-chunk copy (see requestBodyStream).
 */
class VigilTusServer extends Server {
  override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = new NodeRequest({ req, res });
    if (req.method === 'PATCH' || req.method === 'POST') {
      Object.defineProperty(request, 'body', { value: requestBodyStream(req), configurable: true });
    }
    await sendNodeResponse(res, await this.handleWeb(request));
  }

  override async write(context: CancellationContext, headers: Headers, status: number, body = '') {
    if (status < 400) return super.write(context, headers, status, body);
    headers.set('Content-Type', 'application/json; charset=utf-8');
    const json = body.startsWith('{"code"')
      ? body
      : JSON.stringify({ code: CODES_BY_STATUS[status] ?? 'BAD_REQUEST', message: body.trim() });
    return super.write(context, headers, status, json);
  }
}

/** What a HEAD answers when it found a complete upload that was never finalised, and finalised it. */
export interface FinishedUpload {
  size: number;
  entry: UploadedEntry;
}

/**
 * The tus 1.0 server over the vault's upload store. Creation is judged twice, before tus runs (`admit`, so
 * refusals are ordinary JSON errors) and in tus's own hook (which records the reduced name, the folder and the
 * owner). The last byte finalises the upload into its folder; a refusal there (409 with `fail`, a folder gone,
 * a full vault) removes the partial, except a lock, after which the next HEAD finalises it.
 */
export function createTusUploads(deps: {
  files: FilesService;
  store: VaultUploadStore;
  inFlight: InFlight;
  /** Largest upload accepted, in bytes (config.uploads.maxBytes). */
  maxBytes: number;
  /** The vault's mount point, for free-space checks. */
  mountPoint: string;
  log: FastifyBaseLogger;
}) {
  const { files, store, inFlight, maxBytes, mountPoint, log } = deps;
  const finishing = new Map<string, Promise<UploadedEntry>>();

  async function finalize(id: string): Promise<UploadedEntry> {
    const metadata = (await store.getUpload(id)).metadata ?? {};
    try {
      const target = await resolveUploadTarget(files, metadata);
      const entry = await finalizeUpload(files, store.partialPath(id), target);
      await store.forget(id);
      return entry;
    } catch (error) {
      // Locked meanwhile: the complete partial stays inside the vault for the client's next HEAD. Any other
      // refusal is final, and the partial goes with it.
      if (!(error instanceof AppError && error.code === 'VAULT_LOCKED')) {
        await store.remove(id).catch((cause: unknown) => {
          log.warn({ err: cause, upload: id }, 'a refused upload could not be removed; the sweep will');
        });
      }
      throw error;
    }
  }

  /** One finalisation per upload at a time: the last PATCH and a resuming HEAD may race for it. */
  function finish(id: string): Promise<UploadedEntry> {
    const running = finishing.get(id);
    if (running) return running;
    const started = inFlight.track(() => finalize(id)).finally(() => finishing.delete(id));
    finishing.set(id, started);
    return started;
  }

  const server = new VigilTusServer({
    path: TUS_PATH,
    datastore: store,
    locker: new MemoryLocker(),
    maxSize: maxBytes,
    // Same origin only: relative Locations (no Host header games), and no CORS headers at all.
    relativeLocation: true,
    allowedOrigins: () => false,
    namingFunction: () => randomBytes(16).toString('hex'),
    getFileIdFromRequest: (_request, last) => (last !== undefined && UPLOAD_ID.test(last) ? last : undefined),
    onUploadCreate: async (_request, upload) => {
      const caller = callers.getStore();
      if (caller === undefined) throw unauthenticated();
      const metadata = upload.metadata ?? {};
      const target = await resolveUploadTarget(files, metadata);
      if (upload.size !== undefined) await assertRoom(mountPoint, upload.size);
      return {
        metadata: {
          ...metadata,
          filename: target.name,
          path: target.folder,
          conflict: target.conflict,
          owner: String(caller.userId),
        },
      };
    },
    onUploadFinish: async (_request, upload) => {
      const entry = await finish(upload.id);
      return { headers: { [UPLOADED_PATH_HEADER]: encodeURIComponent(entry.path) } };
    },
    onResponseError: (_request, error) => errorResponse(error, log),
  });

  async function admitCreation(headers: IncomingHttpHeaders): Promise<void> {
    const length = Number(headers['upload-length']);
    if (length > maxBytes) throw payloadTooLarge(maxBytes);
    let metadata: Record<string, string | null> = {};
    const raw = headers['upload-metadata'];
    if (typeof raw === 'string') {
      try {
        metadata = Metadata.parse(raw);
      } catch (error) {
        throw new AppError('INVALID_METADATA', 400, 'Upload-Metadata is not valid tus metadata.', {
          cause: error,
        });
      }
    }
    await resolveUploadTarget(files, metadata);
    if (Number.isSafeInteger(length)) await assertRoom(mountPoint, length);
  }

  async function finishIfComplete(id: string): Promise<FinishedUpload | null> {
    if (store.isWriting(id) || finishing.has(id)) return null;
    // A missing or expired upload: tus answers the HEAD itself.
    const upload = await store.getUpload(id).catch(() => null);
    if (upload?.size === undefined || upload.offset !== upload.size) return null;
    return { size: upload.size, entry: await finish(id) };
  }

  return {
    /**
     * Vigil's checks before tus sees a request: the vault is open, writes are welcome (no lock under way),
     * a creation's name, folder, size and room are acceptable, and an upload URL belongs to the caller.
     * Returns a finished upload when a HEAD found a complete one that a lock or a crash left unfinalised.
     */
    async admit(request: {
      method: string;
      id: string | null;
      headers: IncomingHttpHeaders;
      userId: number;
    }): Promise<FinishedUpload | null> {
      await files.unlocked();
      if (request.method === 'POST' || request.method === 'PATCH' || request.method === 'DELETE') {
        inFlight.assertAccepting();
      }
      if (request.method === 'POST') {
        await admitCreation(request.headers);
        return null;
      }
      if (request.id === null) return null; // OPTIONS on the collection: tus describes itself
      const info = UPLOAD_ID.test(request.id) ? await store.info(request.id) : null;
      if (info?.metadata?.['owner'] !== String(request.userId)) throw uploadNotFound();
      // Only a tus client's HEAD (its custom header keeps other sites' plain HEADs out) finishes an upload.
      if (request.method === 'HEAD' && request.headers['tus-resumable'] !== undefined) {
        return finishIfComplete(request.id);
      }
      return null;
    },

    /** Hands a request that passed `admit` to tus, which answers on the raw response. */
    async handle(request: IncomingMessage, response: ServerResponse, userId: number): Promise<void> {
      try {
        await callers.run({ userId }, () => server.handle(request, response));
      } catch (error) {
        log.error({ err: error }, 'tus could not answer');
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy();
      }
    },
  };
}

export type TusUploads = ReturnType<typeof createTusUploads>;

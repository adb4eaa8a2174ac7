import type { FastifyBaseLogger } from 'fastify';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { VaultService } from '../../vault/vault.service.js';
import type { FilesService } from '../files.service.js';
import { InFlight } from './in-flight.js';
import { createMultipartUploads } from './multipart-upload.js';
import { createTusUploads } from './tus-uploads.js';
import { VaultUploadStore } from './upload-store.js';
import { sweepExpiredUploads } from './upload-sweep.js';

/** How often expired partial uploads are looked for, in ms (the expiry itself is at least an hour). */
const SWEEP_INTERVAL_MS = 15 * 60_000;

/**
 * File uploads into the vault: tus (resumable) and multipart. Partial data lives only inside the vault, in
 * `<vault>/.uploads/` beside `files/` (tus in `tus/`, multipart in `multipart/`), and reaches `files/` only as
 * whole files. Registered as a vault writer: a safe lock refuses new uploads (423), stops the transfers under
 * way, removes multipart partials and keeps tus partials for the client to resume after unlock.
 */
export function createUploadsService(deps: {
  vault: VaultService;
  files: FilesService;
  config: Config['uploads'];
  log: FastifyBaseLogger;
  now: () => Date;
}) {
  const { vault, files, config, log, now } = deps;
  const root = path.join(vault.mountPoint, '.uploads');
  const inFlight = new InFlight();
  const store = new VaultUploadStore({
    guard: vault.guard,
    dir: path.join(root, 'tus'),
    expiryMs: config.expiryMs,
    now,
    inFlight,
  });
  const tus = createTusUploads({
    files,
    store,
    inFlight,
    maxBytes: config.maxBytes,
    mountPoint: vault.mountPoint,
    log,
  });
  const multipart = createMultipartUploads({
    files,
    guard: vault.guard,
    inFlight,
    dir: path.join(root, 'multipart'),
    mountPoint: vault.mountPoint,
    maxBytes: config.maxBytes,
  });
  const unregister = vault.writers.register({
    name: 'uploads',
    quiesce: () => inFlight.quiesce(),
    resume: () => inFlight.resume(),
  });

  const sweepExpired = () =>
    sweepExpiredUploads({
      guard: vault.guard,
      tusDir: store.dir,
      multipartDir: path.join(root, 'multipart'),
      expiryMs: config.expiryMs,
      now,
      busy: (idOrPath) => store.isWriting(idOrPath) || multipart.busy(idOrPath),
    });
  const sweepLogged = () => {
    sweepExpired()
      .then((removed) => {
        if (removed > 0) log.info({ removed }, 'expired partial uploads removed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'sweeping expired uploads failed'));
  };
  let timer: NodeJS.Timeout | null = null;

  return {
    tus,
    multipart,
    /** Largest upload accepted, in bytes. */
    maxBytes: config.maxBytes,
    /** Removes partial uploads older than the expiry now (the timer does it every 15 minutes). */
    sweepExpired,

    /** After the vault's start-up: one sweep now, then on a timer that never keeps the process alive. */
    start(): void {
      if (timer !== null) return;
      sweepLogged();
      timer = setInterval(sweepLogged, SWEEP_INTERVAL_MS);
      timer.unref();
    },

    close(): void {
      if (timer !== null) clearInterval(timer);
      timer = null;
      unregister();
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;

import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditRoutes } from './audit/audit.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { appRoot, type Config } from './config.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import { healthRoutes } from './health/health.routes.js';
import { apiHeaders } from './http/api-headers.js';
import { registerAccessControl, type RegisteredRoute } from './http/access.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { createHostAllowList, registerRequestGuards } from './http/request-guards.js';
import { ErrorBody } from './http/schemas.js';
import { registerFrontend } from './http/static.js';
import { createServices, type Services } from './services.js';
import { startMediaRuntime, type MediaOptions } from './live/media-runtime.js';
import { createLiveService, iceServersFor, type LiveService } from './live/live.service.js';
import type { JanusService } from './live/janus/janus.service.js';
import { camerasRoutes } from './cameras/cameras.routes.js';
import { cameraStillsRoutes } from './cameras/camera-stills.routes.js';
import { cameraDetectionRoutes } from './cameras/camera-detection.routes.js';
import { cameraRecordingRoutes } from './cameras/camera-recording.routes.js';
import { setupRoutes } from './setup/setup.routes.js';
import type { TlsMaterial } from './tls.js';
import { usersRoutes } from './users/users.routes.js';
import { vaultRoutes } from './vault/vault.routes.js';
import { downloadRoutes } from './files/download.routes.js';
import { filesRoutes } from './files/files.routes.js';
import { uploadsRoutes } from './files/uploads/uploads.routes.js';
import { MAX_CLIENT_MESSAGE_BYTES } from './ws/protocol.js';
import { wsRoutes } from './ws/ws.routes.js';
import { eventsRoutes } from './events/events.routes.js';
import { facesRoutes } from './faces/faces.routes.js';
import { detectorsRoutes } from './detection/detectors.routes.js';
import { recordingsRoutes } from './recordings/recordings.routes.js';
import { recordingsExportRoutes } from './recordings/recordings-export.routes.js';
import { recordingThumbnailsRoutes } from './recordings/recording-thumbnails.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The composition root's products, for tests and later plugins. */
    vigil: {
      services: Services;
      database: OpenDatabase;
      routes: readonly RegisteredRoute[];
      /** Present when media runs: the SFU and the signalling on top of it. */
      janus: JanusService | null;
      live: LiveService | null;
    };
  }
}

export interface BuildOptions {
  tls?: TlsMaterial | null;
  /** false turns logging off (tests). Default: pino at config.logLevel on stdout. */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them to prove no secret is logged). */
  logStream?: { write(line: string): void };
  now?: () => Date;
  /** Run Janus and camera workers. Off unless asked for, so `inject` tests start no processes. */
  media?: MediaOptions | boolean;
  /** Run the inference worker (dist/inference/worker.js) even with media off: tests of the detector API. */
  inference?: boolean;
}

const SWEEP_INTERVAL_MS = 60_000;

export const appVersion = (): string =>
  (JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The composition root: opens the database (migrating it before anything listens), builds services from
 * explicit dependencies, and registers the guards, the error handler and every route plugin.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const database = await openDatabase(config.dataDir);
  const serverOptions: FastifyHttpOptions<Server> = {
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Cookies carry sessions; never let them reach a log line.
            redact: {
              paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
              remove: true,
            },
          },
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  };
  // An HTTPS server is an http.Server subclass at run time; fastify's types model it separately, hence the cast.
  const tls = options.tls ? { https: { key: options.tls.key, cert: options.tls.cert } } : {};
  const app = Fastify({
    ...serverOptions,
    ...tls,
  } as FastifyHttpOptions<Server>).withTypeProvider<TypeBoxTypeProvider>();

  const media = options.media
    ? await startMediaRuntime(config, app.log, options.media === true ? {} : options.media)
    : null;
  const services = createServices({
    db: database.db,
    config,
    log: app.log,
    version: appVersion(),
    ...(options.now ? { now: options.now } : {}),
    media: media
      ? { workerPath: media.workerPath, inferencePath: media.inferencePath, ingest: media.ingest }
      : null,
    inferencePath: options.inference ? path.join(appRoot(), 'dist', 'inference', 'worker.js') : null,
  });
  const live = media
    ? createLiveService({
        janus: media.janus,
        hub: services.hub,
        cameraWatchable: (id) => services.cameras.watchable(id),
        iceServers: iceServersFor(config.webrtc),
        onViewerStarted: (id) => services.fleet?.requestKeyframe(id),
        log: app.log,
      })
    : null;
  if (media && live) {
    services.cameras.onRemoved((id) => live.cameraRemoved(id));
    // After a Janus restart a mountpoint may listen on a new port: restart that camera's worker towards it.
    media.janus.on('mountpoints-changed', (changed) => {
      for (const mountpoint of changed) services.fleet?.restartCamera(mountpoint.cameraId);
    });
    // A viewer lost its picture: its keyframe comes now, not at the end of the GOP.
    media.janus.on('keyframe', (id) => services.fleet?.requestKeyframe(id));
  }
  app.addHook('onClose', async () => {
    services.hub.closeAll();
    services.uploads.close();
    await services.fleet?.stopAll();
    // Copies to the vault under way finish before the vault closes; the RAM cache is emptied.
    await services.recorder?.close();
    await services.thumbnailMaker?.close();
    await services.retention.close();
    // Exports under way stop and remove their working files while the vault is still there.
    await services.recordingExports.close();
    await services.detection?.stop();
    await media?.janus.close();
    services.vault.close();
    await database.close();
  });

  app.addSchema(ErrorBody);
  registerErrorHandler(app);
  await app.register(cookie);
  // Registered before the guards: its onRequest hook marks upgrade requests, and only marked ones get their
  // socket destroyed after a refusal. Refused upgrades would otherwise leak an open socket each.
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  registerRequestGuards(app, createHostAllowList(config.host, config.hostnames));
  const routes = registerAccessControl(app, services.sessions);
  app.decorate('vigil', { services, database, routes, janus: media?.janus ?? null, live });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      void reply.headers(apiHeaders(request));
    } else {
      void reply.header('x-request-id', request.id);
    }
  });

  await registerOpenApi(app, services.version);
  for (const plugin of [
    healthRoutes,
    setupRoutes,
    authRoutes,
    usersRoutes,
    auditRoutes,
    wsRoutes,
    camerasRoutes,
    cameraStillsRoutes,
    cameraDetectionRoutes,
    cameraRecordingRoutes,
    vaultRoutes,
    filesRoutes,
    downloadRoutes,
    uploadsRoutes,
    eventsRoutes,
    detectorsRoutes,
    facesRoutes,
    recordingsRoutes,
    recordingsExportRoutes,
    recordingThumbnailsRoutes,
  ]) {
    await app.register(plugin, { services });
  }
  await registerFrontend(app, config.frontendDir);

  const sweep = setInterval(() => {
    services.throttle.prune(Date.now());
    services.sessions
      .sweepExpired()
      .catch((error: unknown) => app.log.error({ err: error }, 'session sweep failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  app.addHook('onClose', () => clearInterval(sweep));

  await app.ready();
  await services.vault.start();
  services.uploads.start();
  services.detection?.start();
  await services.cameras.startAll();
  return app;
}

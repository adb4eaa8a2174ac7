import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { createAuditRepository, type AuditRepository } from './audit/audit.repository.js';
import { createAuthService, type AuthService } from './auth/auth.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { createPasswordHasher, type PasswordHasher } from './auth/password-hasher.js';
import { createSessionsRepository } from './auth/sessions.repository.js';
import { createSessionsService, type SessionsService } from './auth/sessions.service.js';
import { createCameraFleet, type CameraFleet, type LiveIngest } from './cameras/camera-fleet.js';
import { createCameraProber } from './cameras/camera-probe.js';
import { createCamerasService, type CamerasService } from './cameras/cameras.service.js';
import { appRoot, type Config } from './config.js';
import type { Database } from './db/schema.js';
import { createSetupService, type SetupService } from './setup/setup.service.js';
import { createUsersRepository } from './users/users.repository.js';
import { createUsersService, type UsersService } from './users/users.service.js';
import { createFilesService, type FilesService } from './files/files.service.js';
import { createUploadsService, type UploadsService } from './files/uploads/uploads.service.js';
import { createDirBackend } from './vault/dir-backend.js';
import { createLuksBackend } from './vault/luks-backend.js';
import type { VaultBackend } from './vault/vault-backend.js';
import { createVaultService, type VaultService } from './vault/vault.service.js';
import { createVaultctl } from './vault/vaultctl.js';
import { createWsHub, type WsHub } from './ws/ws-hub.js';
import { createEventsService, type EventsService } from './events/events.service.js';
import { createFacesService, type FacesService } from './faces/faces.service.js';
import { createInferenceSupervisor, type InferenceSupervisor } from './detection/inference-supervisor.js';
import { openRamCache } from './recordings/ram-cache.js';
import { createRecorder, type Recorder } from './recordings/recorder.js';
import { createRetentionKeeper, type RetentionKeeper } from './recordings/retention-keeper.js';
import { createDetectorsService, type DetectorsService } from './detection/detectors.service.js';
import { KNOWN_LABELS } from './detection/detection-settings.js';
import {
  createCameraDetectionService,
  type CameraDetectionService,
} from './cameras/camera-detection.service.js';
import {
  createCameraRecordingService,
  type CameraRecordingService,
} from './cameras/camera-recording.service.js';
import { createRecordingsService, type RecordingsService } from './recordings/recordings.service.js';
import { createRecordingExports, type RecordingExports } from './recordings/recordings-export.js';
import { createThumbnailMaker, type ThumbnailMaker } from './recordings/recording-thumbnails.js';
import {
  createRecordingThumbnailsService,
  type RecordingThumbnailsService,
} from './recordings/recording-thumbnails.service.js';
import path from 'node:path';

/** Everything the routes use, built once from explicit dependencies. */
export interface Services {
  version: string;
  now: () => Date;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  sessions: SessionsService;
  auth: AuthService;
  users: UsersService;
  setup: SetupService;
  audit: AuditRepository;
  hub: WsHub;
  cameras: CamerasService;
  /** Per-camera detection settings (GET/PUT /api/cameras/:id/detection). */
  cameraDetection: CameraDetectionService;
  /** Per-camera recording settings (GET/PUT /api/cameras/:id/recording). */
  cameraRecording: CameraRecordingService;
  /** Running camera workers; null when media is off (tests that do not ask for it). */
  fleet: CameraFleet | null;
  vault: VaultService;
  files: FilesService;
  uploads: UploadsService;
  events: EventsService;
  /** Keeps what each camera's recording mode asks for on the vault; null when media is off. */
  recorder: Recorder | null;
  /** Retention and the reconcile pass over the recordings on the vault. */
  retention: RetentionKeeper;
  /** The inference worker's supervisor; null when media or detection is off. */
  detection: InferenceSupervisor | null;
  /** Object detectors: the built-in one, uploads, and which one the worker runs. */
  detectors: DetectorsService;
  /** Enrolled people and the faces seen in events (face recognition). */
  faces: FacesService;
  /** The recordings index and segment files in the vault (reading; the recorder writes). */
  recordings: RecordingsService;
  /** Exports of recorded ranges as MP4 into files/Exports/ (a child process each; works with media off too). */
  recordingExports: RecordingExports;
  /** The timeline's thumbnails in the vault (reading). */
  thumbnails: RecordingThumbnailsService;
  /** Makes a thumbnail now and then from the segments the recorder keeps; null when media is off. */
  thumbnailMaker: ThumbnailMaker | null;
}

/** The LUKS volume through the privileged helper, or the development directory (VIGIL_VAULT=dir:). */
function vaultBackend(config: Config): VaultBackend {
  const vault = config.vault;
  if (vault.kind === 'dir') return createDirBackend(vault.path, vault.passphrase);
  const helper = createVaultctl({ helper: vault.helper, asRoot: process.getuid?.() === 0 });
  return createLuksBackend(vault, helper);
}

/** What it takes to run cameras: the worker program and where their RTP goes. */
export interface MediaDeps {
  workerPath: string;
  /** The inference worker program (dist/inference/worker.js). */
  inferencePath: string;
  ingest: LiveIngest;
}

export function createServices(deps: {
  db: Kysely<Database>;
  config: Config;
  log: FastifyBaseLogger;
  version: string;
  now?: () => Date;
  media?: MediaDeps | null;
  /** The inference worker program when media is off: detection without cameras (tests of the detector API). */
  inferencePath?: string | null;
}): Services {
  const { db, config, log, version } = deps;
  const now = deps.now ?? (() => new Date());
  const audit = createAuditRepository(db, now);
  const hasher = createPasswordHasher(config.argon2);
  const throttle = new LoginThrottle();
  const sessions = createSessionsService({
    repo: createSessionsRepository(db),
    now: () => now().getTime(),
    idleMs: config.session.idleMs,
    absoluteMs: config.session.absoluteMs,
  });
  const hub = createWsHub(log);
  sessions.onRevoked((ids) => {
    hub.closeSessions(ids);
  });
  const users = createUsersService({
    db,
    hasher,
    sessions,
    audit,
    now,
    onRoleChanged: (id) => hub.closeUser(id),
  });
  const auth = createAuthService({
    users: createUsersRepository(db),
    sessions,
    hasher,
    throttle,
    audit,
    now,
  });
  const setup = createSetupService({ db, hasher, audit, now });
  const media = deps.media ?? null;
  const vault = createVaultService({ backend: vaultBackend(config), hub, audit, log, now });
  const events = createEventsService({ vault, hub, log, now });
  // Recording needs cameras: the RAM cache is checked (a tmpfs) and cleared only when media runs.
  const retention = createRetentionKeeper({
    db,
    vault,
    hub,
    log,
    limits: { quota: config.recording.quota, minFree: config.recording.minFree },
  });
  const thumbnailMaker = media
    ? createThumbnailMaker({ vault, log, programPath: path.join(appRoot(), 'dist', 'media', 'thumbnail.js') })
    : null;
  const recorder = media
    ? createRecorder({
        makeRoom: (bytes) => retention.makeRoom(bytes),
        onKept: (cameraId, segment, file) => thumbnailMaker?.onKept(cameraId, segment, file),
        cache: openRamCache(config.recording.cacheDir, {
          allowPersistent: config.recording.allowPersistentCache,
        }),
        vault,
        log,
      })
    : null;
  if (recorder) events.onEvent((phase, event) => recorder.onEvent(phase, event));
  const inferencePath = media?.inferencePath ?? deps.inferencePath ?? null;
  const detection =
    inferencePath !== null && config.detection.enabled
      ? createInferenceSupervisor({
          workerPath: inferencePath,
          modelsDir: config.detection.modelsDir,
          threads: config.detection.threads,
          runDir: path.join(config.dataDir, 'run'),
          log,
          onMessage: (message) => {
            events.handle(message);
            if (message.type === 'detections' && message.motion)
              recorder?.onMotion(message.cameraId, message.capturedAt);
          },
          onGone: () => events.endOpen(),
        })
      : null;
  const fleet = media
    ? createCameraFleet({
        log,
        workerPath: media.workerPath,
        ingest: media.ingest,
        mediaDir: config.mediaDir,
        detection: detection && {
          socket: detection.socket,
          onCameras: (analyses) => detection.setCameras(analyses),
        },
        recorder,
      })
    : null;
  const cameras = createCamerasService({
    db,
    audit,
    mediaDir: config.mediaDir,
    fleet,
    prober: media ? createCameraProber(media.workerPath) : null,
    now,
  });
  const detectors = createDetectorsService({
    dir: path.join(config.dataDir, 'detectors'),
    modelsDir: config.detection.modelsDir,
    inference: detection,
    log,
    now,
  });
  // A camera may track what the chosen detector reports: COCO's labels, and an uploaded model's own.
  const cameraDetection = createCameraDetectionService({
    db,
    audit,
    fleet,
    now,
    knownLabels: () => [...new Set([...KNOWN_LABELS, ...(detectors.activeLabels() ?? [])])],
  });
  const cameraRecording = createCameraRecordingService({ db, audit, fleet, now });
  const faces = createFacesService({ vault, events, detection, log, now });
  const recordings = createRecordingsService({ db, vault, events });
  const thumbnails = createRecordingThumbnailsService({ db, vault });
  const files = createFilesService({ vault, hub, now });
  const uploads = createUploadsService({ vault, files, config: config.uploads, log, now });
  const recordingExports = createRecordingExports({
    db,
    vault,
    files,
    hub,
    audit,
    log,
    programPath: path.join(appRoot(), 'dist', 'media', 'recording-export.js'),
  });
  return {
    version,
    now,
    hasher,
    throttle,
    sessions,
    auth,
    users,
    setup,
    audit,
    hub,
    cameras,
    cameraDetection,
    cameraRecording,
    fleet,
    vault,
    files,
    uploads,
    events,
    detection,
    detectors,
    faces,
    recordings,
    recordingExports,
    recorder,
    retention,
    thumbnails,
    thumbnailMaker,
  };
}

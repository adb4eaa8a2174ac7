/**
 * The inference worker under the server's supervision: forked with the typed channel (inference/protocol.ts),
 * a ready handshake within READY_TIMEOUT_MS, restarted with back-off (1 s doubling to 30 s, fresh after a
 * stable minute) when it dies, and stopped with the server. Its frame socket lives in a folder only Vigil's
 * user can enter. Cameras keep running whatever happens here: only their analysis frames find no listener
 * until the worker is back (their sender reconnects by itself). `describe` asks the worker for the faces of one
 * picture: answered within DESCRIBE_TIMEOUT_MS, and rejected at once when the worker is not ready or goes away.
 */
import { FACE_MATCH_THRESHOLD } from '../../inference/detect/similarity.js';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import {
  READY_TIMEOUT_MS,
  type CameraAnalysis,
  type DetectorChoice,
  type DescribedFace,
  type DescribeErrorCode,
  type InferenceToServer,
  type KnownFace,
  type NormalBox,
  type ServerToInference,
} from '../../inference/protocol.js';
import { AppError } from '../errors.js';

export interface InferenceSupervisorOptions {
  workerPath: string;
  modelsDir: string;
  threads: number;
  /** Folder for the frame socket (made 0700). */
  runDir: string;
  log: FastifyBaseLogger;
  onMessage: (message: InferenceToServer) => void;
  /** The worker went away (crash or restart): open tracks are over. */
  onGone: () => void;
  backoffMs?: number;
}

export interface InferenceState {
  status: 'starting' | 'ready' | 'restarting' | 'stopped' | 'error';
  pid: number | null;
  restarts: number;
  problem: { code: string; message: string } | null;
  /** The object detector the worker reports running (null until it says). */
  detector: string | null;
  /** When the worker last sent its stats (epoch ms). */
  lastStatsAt: number | null;
  /** Why the worker refused the last detector it was sent (it keeps running the previous one); null after a swap. */
  detectorProblem: { code: string; message: string } | null;
}

const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;
/** Cosine similarity at or above which a face is an enrolled person's (the worker's matching, and the server's). */
export const FACE_THRESHOLD = FACE_MATCH_THRESHOLD;
/** How long a `describe` may take: a 16 MP JPEG decodes in ~2 s in the worker, detection adds ~0.1 s a face. */
export const DESCRIBE_TIMEOUT_MS = 15_000;

export const detectionUnavailable = (why: string) =>
  new AppError('DETECTION_UNAVAILABLE', 503, `Face recognition is not available: ${why}.`);

/** A describe the worker refused, as the error a client sees. */
function describeFailure(code: DescribeErrorCode, message: string): AppError {
  switch (code) {
    case 'NO_FACE':
      return new AppError('NO_FACE', 422, 'No face was found in the picture. Use a photo with a clear face.');
    case 'BAD_IMAGE':
      return new AppError('BAD_IMAGE', 422, `The picture cannot be read. ${message}`);
    case 'IMAGE_TOO_LARGE':
      return new AppError('IMAGE_TOO_LARGE', 413, message);
    case 'NOT_READY':
      return detectionUnavailable('the inference worker is still starting');
    case 'INTERNAL':
      return new AppError('INTERNAL', 500, `The inference worker failed on the picture: ${message}`);
  }
}

interface PendingDescribe {
  resolve: (faces: DescribedFace[]) => void;
  reject: (error: AppError) => void;
  timer: NodeJS.Timeout;
}

export function createInferenceSupervisor(options: InferenceSupervisorOptions) {
  const socket = path.join(options.runDir, 'inference.sock');
  const state: InferenceState = {
    status: 'stopped',
    pid: null,
    restarts: 0,
    problem: null,
    detector: null,
    lastStatsAt: null,
    detectorProblem: null,
  };
  let detector: DetectorChoice = { id: 'centernet' };
  let child: ChildProcess | null = null;
  let cameras: CameraAnalysis[] = [];
  let faces: KnownFace[] = [];
  let stopped = true;
  let backoff = options.backoffMs ?? 1_000;
  let restartTimer: NodeJS.Timeout | undefined;
  let nextRequestId = 1;
  const describes = new Map<number, PendingDescribe>();

  /** Answers (or fails) a pending describe; one that already timed out is no longer pending. */
  function settle(requestId: number, outcome: { faces: DescribedFace[] } | { error: AppError }): void {
    const pending = describes.get(requestId);
    if (!pending) return;
    describes.delete(requestId);
    clearTimeout(pending.timer);
    if ('faces' in outcome) pending.resolve(outcome.faces);
    else pending.reject(outcome.error);
  }

  const failAllDescribes = (why: string) => {
    for (const requestId of [...describes.keys()]) settle(requestId, { error: detectionUnavailable(why) });
  };

  const send = (message: ServerToInference) => {
    if (child?.connected) child.send(message);
  };

  async function spawn(): Promise<void> {
    if (stopped) return;
    await mkdir(options.runDir, { recursive: true, mode: 0o700 });
    const worker = fork(options.workerPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child = worker;
    state.status = 'starting';
    state.pid = worker.pid ?? null;
    const startedAt = Date.now();
    let ready = false;
    const readyTimer = setTimeout(() => {
      if (!ready) {
        state.problem = {
          code: 'NOT_READY',
          message: `The inference worker was not ready within ${READY_TIMEOUT_MS} ms.`,
        };
        worker.kill('SIGKILL');
      }
    }, READY_TIMEOUT_MS);
    worker.stderr?.on('data', (chunk: Buffer) =>
      options.log.debug({ inference: chunk.toString().slice(0, 2000) }, 'inference worker stderr'),
    );
    worker.on('message', (message: InferenceToServer) => {
      if (message.type === 'ready') {
        ready = true;
        clearTimeout(readyTimer);
        state.status = 'ready';
        state.problem = null;
        options.log.info(
          { models: message.models.map((m) => m.id), pid: worker.pid },
          'inference worker ready',
        );
      } else if (message.type === 'described') {
        return settle(message.requestId, { faces: message.faces });
      } else if (message.type === 'describe-failed') {
        return settle(message.requestId, { error: describeFailure(message.code, message.message) });
      } else if (message.type === 'detector') {
        state.detector = message.id;
        state.detectorProblem = null;
        options.log.info({ detector: message.id }, 'inference worker runs a new object detector');
      } else if (message.type === 'stats') {
        state.lastStatsAt = Date.now();
      } else if (message.type === 'error') {
        options.log.warn({ code: message.code, fatal: message.fatal }, message.message);
        if (message.fatal) state.problem = { code: message.code, message: message.message };
        // Once started, the worker loads model files only when it is sent a detector.
        else if (message.code.startsWith('MODEL_'))
          state.detectorProblem = { code: message.code, message: message.message };
      }
      options.onMessage(message);
    });
    worker.once('exit', (code, signal) => {
      clearTimeout(readyTimer);
      if (child === worker) child = null;
      state.pid = null;
      state.detector = null;
      failAllDescribes('the inference worker stopped while describing the picture');
      options.onGone();
      if (stopped) return;
      options.log.warn({ code, signal }, 'inference worker exited; restarting');
      if (Date.now() - startedAt > STABLE_MS) backoff = options.backoffMs ?? 1_000;
      state.status = state.problem ? 'error' : 'restarting';
      state.restarts++;
      restartTimer = setTimeout(() => void spawn(), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
    worker.send({
      type: 'start',
      socket,
      modelsDir: options.modelsDir,
      threads: options.threads,
      detector,
      cameras,
      faces,
      faceThreshold: FACE_THRESHOLD,
    } satisfies ServerToInference);
  }

  return {
    /** The frame socket camera workers send to. */
    socket,
    state: (): InferenceState => ({ ...state }),
    start(): void {
      if (!stopped) return;
      stopped = false;
      void spawn();
    },
    /** The cameras with detection on, and their settings. */
    setCameras(next: CameraAnalysis[]): void {
      cameras = next;
      send({ type: 'cameras', cameras });
    },
    /** The object detector to run: sent now, and in every later start (restarts keep it). */
    setDetector(next: DetectorChoice): void {
      detector = next;
      send({ type: 'detector', detector });
    },
    /** The known faces last set: what the worker matches against, and gets again at each restart. */
    faces: (): readonly KnownFace[] => faces,
    setFaces(next: KnownFace[]): void {
      faces = next;
      send({ type: 'faces', faces, faceThreshold: FACE_THRESHOLD });
    },
    /**
     * The faces of one JPEG picture, largest first (see DescribeRequest): NO_FACE / BAD_IMAGE (422),
     * IMAGE_TOO_LARGE (413), DETECTION_UNAVAILABLE (503) when the worker is not ready, goes away or does not
     * answer within DESCRIBE_TIMEOUT_MS.
     */
    describe(jpeg: Uint8Array, box?: NormalBox): Promise<DescribedFace[]> {
      const worker = child;
      if (state.status !== 'ready' || !worker?.connected) {
        return Promise.reject(detectionUnavailable(`the inference worker is ${state.status}`));
      }
      const requestId = nextRequestId++;
      return new Promise<DescribedFace[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            settle(requestId, { error: detectionUnavailable('the inference worker did not answer in time') }),
          DESCRIBE_TIMEOUT_MS,
        );
        describes.set(requestId, { resolve, reject, timer });
        const request: ServerToInference = { type: 'describe', requestId, jpeg, ...(box ? { box } : {}) };
        worker.send(request, (error) => {
          if (error)
            settle(requestId, { error: detectionUnavailable('the picture could not be sent to it') });
        });
      });
    },
    async stop(): Promise<void> {
      stopped = true;
      failAllDescribes('the server is stopping');
      clearTimeout(restartTimer);
      state.status = 'stopped';
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      send({ type: 'stop' });
      const kill = setTimeout(() => worker.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
export type InferenceSupervisor = ReturnType<typeof createInferenceSupervisor>;

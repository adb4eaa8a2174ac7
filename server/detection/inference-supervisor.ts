/**
 * The inference worker under the server's supervision: forked with the typed channel (inference/protocol.ts),
 * a ready handshake within READY_TIMEOUT_MS, restarted with back-off (1 s doubling to 30 s, fresh after a
 * stable minute) when it dies, and stopped with the server. Its frame socket lives in a folder only Vigil's
 * user can enter. Cameras keep running whatever happens here: only their analysis frames find no listener
 * until the worker is back (their sender reconnects by itself).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import {
  READY_TIMEOUT_MS,
  type CameraAnalysis,
  type InferenceToServer,
  type KnownFace,
  type ServerToInference,
} from '../../inference/protocol.js';

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
}

const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;
const FACE_THRESHOLD = 0.75;

export function createInferenceSupervisor(options: InferenceSupervisorOptions) {
  const socket = path.join(options.runDir, 'inference.sock');
  const state: InferenceState = { status: 'stopped', pid: null, restarts: 0, problem: null };
  let child: ChildProcess | null = null;
  let cameras: CameraAnalysis[] = [];
  let faces: KnownFace[] = [];
  let stopped = true;
  let backoff = options.backoffMs ?? 1_000;
  let restartTimer: NodeJS.Timeout | undefined;

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
      } else if (message.type === 'error') {
        options.log.warn({ code: message.code, fatal: message.fatal }, message.message);
        if (message.fatal) state.problem = { code: message.code, message: message.message };
      }
      options.onMessage(message);
    });
    worker.once('exit', (code, signal) => {
      clearTimeout(readyTimer);
      if (child === worker) child = null;
      state.pid = null;
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
    setFaces(next: KnownFace[]): void {
      faces = next;
      send({ type: 'faces', faces, faceThreshold: FACE_THRESHOLD });
    },
    async stop(): Promise<void> {
      stopped = true;
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

/**
 * The inference worker: one process, forked by the server with `serialization: 'advanced'`, speaking
 * inference/protocol.ts. On `start` it loads the models once (onnxruntime sessions), listens on its frame
 * socket, says `ready`, and analyses the cameras' newest frames in turn until `stop` or until the server goes
 * away. A frame that fails to analyse is reported and skipped; the worker keeps running.
 * Exit codes: 0 after `stop` or the server going away; 1 when it cannot start (reported first).
 */
import type { CameraAnalysis, InferenceErrorCode, InferenceToServer, ServerToInference } from './protocol.js';
import { STATS_INTERVAL_MS } from './protocol.js';
import { CameraAnalyser, type Models } from './analysis/camera-analyser.js';
import { FaceBook } from './analysis/face-book.js';
import { FrameServer } from './frames/frame-server.js';
import { loadShippedModel, ModelLoadError } from './models/session.js';

const sendRaw = process.send?.bind(process);
if (sendRaw === undefined) {
  process.stderr.write('inference/worker: must be forked with an IPC channel by the server\n');
  process.exit(2);
}
const send = (message: InferenceToServer) => {
  if (process.connected) sendRaw(message);
};

const faceBook = new FaceBook();
const analysers = new Map<number, CameraAnalyser>();
const configs = new Map<number, string>();
const active = new Map<number, boolean>();
let frames: FrameServer | null = null;
let models: Models | null = null;
let exiting = false;

function error(code: InferenceErrorCode, message: string, fatal: boolean): void {
  send({ type: 'error', code, message, fatal });
}

async function shutdown(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  for (const analyser of analysers.values()) analyser.flush(Date.now());
  await frames?.close().catch(() => undefined);
  process.exit(code);
}

/** New settings: a camera whose settings changed starts afresh (its open tracks end). */
function configure(cameras: readonly CameraAnalysis[]): void {
  if (!models) return;
  const wanted = new Set(cameras.map((c) => c.cameraId));
  for (const [cameraId, analyser] of analysers) {
    if (!wanted.has(cameraId)) {
      analyser.flush(Date.now());
      analysers.delete(cameraId);
      configs.delete(cameraId);
    }
  }
  for (const camera of cameras) {
    const key = JSON.stringify(camera);
    if (configs.get(camera.cameraId) === key) continue;
    analysers.get(camera.cameraId)?.flush(Date.now());
    analysers.set(camera.cameraId, new CameraAnalyser(camera, models, faceBook, send));
    configs.set(camera.cameraId, key);
  }
}

async function loop(server: FrameServer): Promise<void> {
  while (!exiting) {
    const frame = await server.next();
    const analyser = analysers.get(frame.header.cameraId);
    if (!analyser) continue;
    const { width, height, capturedAt, cameraId } = frame.header;
    try {
      const busy = await analyser.analyse({ width, height, data: frame.pixels }, capturedAt);
      if (active.get(cameraId) !== busy) {
        active.set(cameraId, busy);
        server.setActive(cameraId, busy);
      }
    } catch (failure) {
      error(
        'INTERNAL',
        `camera ${cameraId}: ${failure instanceof Error ? failure.message : String(failure)}`,
        false,
      );
    }
  }
}

function reportStats(server: FrameServer): void {
  const received = server.takeReceived();
  const cameras = [...analysers.entries()].map(([cameraId, analyser]) => {
    const sorted = [...analyser.inferenceMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const runs = analyser.detectorRuns;
    analyser.detectorRuns = 0;
    return {
      cameraId,
      frames: received.get(cameraId) ?? 0,
      analysed: analyser.takeAnalysed(),
      detectorRuns: runs,
      inferenceMsP50: median === undefined ? null : Math.round(median * 10) / 10,
    };
  });
  send({ type: 'stats', cameras });
}

async function start(message: Extract<ServerToInference, { type: 'start' }>): Promise<void> {
  try {
    const load = (id: string) => loadShippedModel(message.modelsDir, id, { threads: message.threads });
    const [objects, faces, descriptor] = await Promise.all([
      load('centernet'),
      load('blazeface'),
      load('faceres'),
    ]);
    models = { objects, faces, descriptor };
  } catch (failure) {
    const code = failure instanceof ModelLoadError ? failure.code : 'MODEL_INVALID';
    error(code, failure instanceof Error ? failure.message : String(failure), true);
    await shutdown(1);
    return;
  }
  faceBook.set(message.faces, message.faceThreshold);
  configure(message.cameras);
  const server = new FrameServer(message.socket);
  try {
    await server.listen();
  } catch (failure) {
    error('SOCKET_FAILED', `cannot listen on the frame socket: ${String(failure)}`, true);
    await shutdown(1);
    return;
  }
  frames = server;
  setInterval(() => reportStats(server), STATS_INTERVAL_MS).unref();
  send({
    type: 'ready',
    models: [models.objects, models.faces, models.descriptor].map((m) => ({
      id: m.manifest.id,
      sha256: m.manifest.sha256,
    })),
  });
  await loop(server);
}

process.on('message', (message: ServerToInference) => {
  if (exiting) return;
  switch (message.type) {
    case 'start':
      if (models) return error('BAD_CONFIG', 'already started', false);
      void start(message);
      return;
    case 'cameras':
      configure(message.cameras);
      return;
    case 'faces':
      faceBook.set(message.faces, message.faceThreshold);
      return;
    case 'stop':
      void shutdown(0);
      return;
  }
});
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('uncaughtException', (failure) => {
  error('INTERNAL', `worker error: ${failure.message}`, true);
  void shutdown(1);
});

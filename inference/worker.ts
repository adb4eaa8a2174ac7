/**
 * The inference worker: one process, forked by the server with `serialization: 'advanced'`, speaking
 * inference/protocol.ts. On `start` it loads the models once (onnxruntime sessions), listens on its frame
 * socket, says `ready`, and analyses the cameras' newest frames in turn until `stop` or until the server goes
 * away. A frame that fails to analyse is reported and skipped; the worker keeps running.
 * Exit codes: 0 after `stop` or the server going away; 1 when it cannot start (reported first).
 */
import type {
  CameraAnalysis,
  DescribeRequest,
  DetectorChoice,
  InferenceErrorCode,
  InferenceToServer,
  ServerToInference,
} from './protocol.js';
import { STATS_INTERVAL_MS } from './protocol.js';
import { CameraAnalyser, type Models } from './analysis/camera-analyser.js';
import { DescribeError, describePicture } from './analysis/describe.js';
import { FaceBook } from './analysis/face-book.js';
import { FrameServer } from './frames/frame-server.js';
import { centernetDetector } from './detect/object-detector.js';
import { DetectorSwitch } from './models/detector-switch.js';
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
let detectors: DetectorSwitch | null = null;
/** Detector swaps run one after another, each after the previous one loaded or failed. */
let choosing: Promise<void> = Promise.resolve();
/** The latest choice; one that arrives while the models load is applied once they are. */
let wanted: DetectorChoice = { id: 'centernet' };
let exiting = false;
/** Pictures are described one at a time, between frames: a burst of uploads cannot pile up decoded photos. */
let describing: Promise<void> = Promise.resolve();

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

/** Answers one `describe`; a picture that fails (no face, not a JPEG) is answered, never fatal. */
async function describe(request: DescribeRequest): Promise<void> {
  const { requestId } = request;
  if (!models) {
    send({
      type: 'describe-failed',
      requestId,
      code: 'NOT_READY',
      message: 'The models are not loaded yet.',
    });
    return;
  }
  try {
    const faces = await describePicture(models, request.jpeg, request.box);
    send({ type: 'described', requestId, faces });
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    const code = failure instanceof DescribeError ? failure.code : 'INTERNAL';
    send({ type: 'describe-failed', requestId, code, message });
  }
}

/** Swaps the object detector between frames; a choice that fails to load is reported and the old one stays. */
function chooseDetector(choice: DetectorChoice): void {
  wanted = choice;
  choosing = choosing.then(async () => {
    if (!detectors) return;
    try {
      const detector = await detectors.choose(choice);
      send({ type: 'detector', id: detector.id, sha256: detector.sha256 });
    } catch (failure) {
      const code = failure instanceof ModelLoadError ? failure.code : 'MODEL_INVALID';
      const message = failure instanceof Error ? failure.message : String(failure);
      error(code, `${message}; still running ${detectors.current.id}`, false);
    }
  });
}

async function start(message: Extract<ServerToInference, { type: 'start' }>): Promise<void> {
  wanted = message.detector ?? wanted;
  try {
    const load = (id: string) => loadShippedModel(message.modelsDir, id, { threads: message.threads });
    const [objects, faces, descriptor] = await Promise.all([
      load('centernet'),
      load('blazeface'),
      load('faceres'),
    ]);
    models = { objects: centernetDetector(objects), faces, descriptor };
    detectors = new DetectorSwitch(models, models.objects, { threads: message.threads });
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
    models: [
      { id: models.objects.id, sha256: models.objects.sha256 },
      ...[models.faces, models.descriptor].map((m) => ({ id: m.manifest.id, sha256: m.manifest.sha256 })),
    ],
  });
  chooseDetector(wanted);
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
    case 'describe':
      describing = describing.then(() => describe(message));
      return;
    case 'detector':
      chooseDetector(message.detector);
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

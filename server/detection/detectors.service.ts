/**
 * The object detectors an admin can choose from: the built-in centernet (its manifest, written by `npm run
 * models`) and users' uploads, each validated before it is kept (inference/models/user-model.ts: parsed first,
 * then opened by onnxruntime in a child process with a deadline, so a hostile file harms neither the server nor
 * the inference worker). The choice is kept on disk and sent to the running worker, which swaps its session
 * without restarting; restarts start with it too.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { ModelManifest } from '../../inference/models/manifest.js';
import {
  MAX_MODEL_BYTES,
  UserModelError,
  validateUserModel,
  type PixelRange,
} from '../../inference/models/user-model.js';
import type { DetectorChoice } from '../../inference/protocol.js';
import { AppError, notFound } from '../errors.js';
import { Semaphore } from '../lib/semaphore.js';
import type { InferenceSupervisor } from './inference-supervisor.js';
import { createDetectorsStore, type DetectorRecord } from './detectors.store.js';

export const BUILT_IN = 'centernet';

export interface DetectorView {
  id: string;
  name: string;
  builtIn: boolean;
  kind: 'centernet' | 'yolo' | 'ssd';
  labels: string[];
  input: { name: string; shape: number[] };
  outputs: { name: string; shape: number[] }[];
  sha256: string;
  bytes: number;
  createdAt: string | null;
  available: boolean;
}

export interface DetectorUpload {
  name: string;
  labels: string[];
  pixels?: PixelRange | undefined;
  boxOrder?: 'xyxy' | 'yxyx' | undefined;
}

export const modelTooLarge = (bytes?: number) =>
  new AppError(
    'MODEL_TOO_LARGE',
    413,
    `Expected an ONNX file of at most ${MAX_MODEL_BYTES / 1024 / 1024} MB` +
      (bytes === undefined ? ', found a larger one.' : `, found ${(bytes / 1024 / 1024).toFixed(1)} MB.`),
  );

/** A refusal as the client sees it: 413 for size, 400 for everything else the file got wrong. */
function refusal(failure: UserModelError): AppError {
  if (failure.code === 'MODEL_TOO_LARGE') return new AppError(failure.code, 413, failure.message);
  return new AppError(failure.code, 400, `The model was refused: ${failure.message}.`, { cause: failure });
}

/** Writes the upload to `file`, at most MAX_MODEL_BYTES, and returns its size and sha256. */
async function receive(body: Readable, file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    body,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        if (bytes > MAX_MODEL_BYTES) throw modelTooLarge();
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(file, { flags: 'wx', mode: 0o600 }),
  );
  return { bytes, sha256: hash.digest('hex') };
}

export function createDetectorsService(deps: {
  /** Where uploads are kept (<data dir>/detectors). */
  dir: string;
  /** The converted models (the built-in detector's manifest). */
  modelsDir: string;
  /** The running inference worker's supervisor; null when detection is off. */
  inference: InferenceSupervisor | null;
  log: FastifyBaseLogger;
  now: () => Date;
  /** The validation child's deadline, ms (tests shorten it). */
  probeTimeoutMs?: number;
}) {
  const store = createDetectorsStore(deps.dir);
  // Each validation runs onnxruntime in a child: one at a time keeps a burst of uploads off the cameras' CPU.
  const validations = new Semaphore(1);

  const choiceFor = (record: DetectorRecord | null): DetectorChoice =>
    record
      ? { id: record.id, file: store.modelFile(record.id), sha256: record.sha256, spec: record.spec }
      : { id: BUILT_IN };

  async function builtIn(): Promise<DetectorView> {
    const view: DetectorView = {
      id: BUILT_IN,
      name: 'CenterNet (built in, 80 COCO objects)',
      builtIn: true,
      kind: 'centernet',
      labels: [],
      input: { name: '', shape: [] },
      outputs: [],
      sha256: '',
      bytes: 0,
      createdAt: null,
      available: false,
    };
    try {
      const manifest = JSON.parse(
        await readFile(path.join(deps.modelsDir, `${BUILT_IN}.manifest.json`), 'utf8'),
      ) as ModelManifest;
      const io = (x: ModelManifest['inputs'][number]) => ({ name: x.name, shape: x.shape });
      const [input] = manifest.inputs;
      return {
        ...view,
        labels: manifest.labels,
        input: input ? io(input) : view.input,
        outputs: manifest.outputs.map(io),
        sha256: manifest.sha256,
        bytes: manifest.bytes,
        available: true,
      };
    } catch (failure) {
      // Not converted yet (setup runs `npm run models`): listed, but marked unavailable.
      deps.log.debug({ err: failure }, 'built-in detector manifest not readable');
      return view;
    }
  }

  const viewOf = (record: DetectorRecord): DetectorView => ({
    id: record.id,
    name: record.name,
    builtIn: false,
    kind: record.spec.kind,
    labels: record.spec.labels,
    input: record.input,
    outputs: record.outputs,
    sha256: record.sha256,
    bytes: record.bytes,
    createdAt: record.createdAt,
    available: true,
  });

  // The stored choice, if its detector is still there, goes to the worker before it starts.
  let active = store.active();
  if (active !== BUILT_IN && !store.get(active)) {
    deps.log.warn({ detector: active }, 'the chosen detector is gone; using the built-in one');
    active = BUILT_IN;
  }
  // Kept here, not read from disk on every camera settings request: it changes only through activate().
  let activeRecord = active === BUILT_IN ? null : store.get(active);
  deps.inference?.setDetector(choiceFor(activeRecord));

  return {
    /** The labels the chosen detector can report: COCO's for the built-in one, the upload's own otherwise. */
    activeLabels(): readonly string[] | null {
      return activeRecord?.spec.labels ?? null;
    },

    async list() {
      return {
        active,
        running: deps.inference?.state().detector ?? null,
        problem: deps.inference?.state().detectorProblem ?? null,
        detectors: [await builtIn(), ...store.list().map(viewOf)],
      };
    },

    /** Receives, validates and keeps an upload; nothing of it stays behind when it is refused. */
    async upload(body: Readable, upload: DetectorUpload): Promise<DetectorView> {
      const file = store.temporaryFile();
      try {
        const { bytes, sha256 } = await receive(body, file);
        const validated = await validations
          .run(() =>
            validateUserModel(file, {
              labels: upload.labels,
              ...(upload.pixels ? { pixels: upload.pixels } : {}),
              ...(upload.boxOrder ? { boxOrder: upload.boxOrder } : {}),
              ...(deps.probeTimeoutMs ? { timeoutMs: deps.probeTimeoutMs } : {}),
            }),
          )
          .catch((failure: unknown) => {
            throw failure instanceof UserModelError ? refusal(failure) : failure;
          });
        const record = await store.add(file, {
          name: upload.name,
          spec: validated.spec,
          input: validated.input,
          outputs: validated.outputs,
          sha256,
          bytes,
          createdAt: deps.now().toISOString(),
        });
        deps.log.info({ detector: record.id, kind: record.spec.kind, bytes }, 'detector uploaded');
        return viewOf(record);
      } finally {
        await rm(file, { force: true });
      }
    },

    /** Chooses the detector the worker runs (it swaps without restarting). */
    async activate(id: string) {
      const record = id === BUILT_IN ? null : store.get(id);
      if (id !== BUILT_IN && !record) throw notFound('Detector');
      if (record) {
        // The file must be the one that was validated: the worker checks the digest again before opening it.
        await stat(store.modelFile(record.id)).catch(() => {
          throw new AppError('MODEL_MISSING', 409, `The file of detector ${record.name} is missing.`);
        });
      }
      await store.setActive(id);
      active = id;
      activeRecord = record;
      deps.inference?.setDetector(choiceFor(record));
      return this.list();
    },

    async remove(id: string): Promise<void> {
      if (id === BUILT_IN) throw new AppError('BUILT_IN', 409, 'The built-in detector cannot be deleted.');
      const record = store.get(id);
      if (!record) throw notFound('Detector');
      if (id === active) {
        throw new AppError(
          'DETECTOR_ACTIVE',
          409,
          `${record.name} is the active detector. Choose another one before deleting it.`,
        );
      }
      await store.remove(id);
    },
  };
}
export type DetectorsService = ReturnType<typeof createDetectorsService>;

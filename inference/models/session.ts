/**
 * onnxruntime-node sessions, created once per model. A shipped model is loaded only if its bytes match its
 * manifest's sha256; the thread count is the worker's setting (default 1, so GStreamer, Janus and the server
 * keep a core on a 2-core box).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { toModelInput, type Placement, type Rect, type RgbImage } from '../image/rgb.js';
import type { ModelManifest } from './manifest.js';

export { ort };

export class ModelLoadError extends Error {
  constructor(
    readonly code: 'MODEL_MISSING' | 'MODEL_CORRUPT' | 'MODEL_INVALID',
    message: string,
  ) {
    super(message);
  }
}

export interface SessionOptions {
  threads: number;
}

export function createSession(bytes: Uint8Array, options: SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

export interface LoadedModel {
  manifest: ModelManifest;
  session: ort.InferenceSession;
}

/** Reads `<dir>/<id>.manifest.json` and its ONNX file, checks the digest, and opens a session. */
export async function loadShippedModel(
  dir: string,
  id: string,
  options: SessionOptions,
): Promise<LoadedModel> {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, `${id}.manifest.json`), 'utf8')) as ModelManifest;
  } catch {
    throw new ModelLoadError('MODEL_MISSING', `model ${id} is not in ${dir}: run npm run models`);
  }
  const bytes = await readFile(join(dir, manifest.file));
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.sha256) {
    throw new ModelLoadError(
      'MODEL_CORRUPT',
      `${manifest.file} does not match its manifest (sha256 ${digest.slice(0, 12)}…)`,
    );
  }
  return { manifest, session: await createSession(bytes, options) };
}

/**
 * Letterboxes `region` of the picture into the model's square input (its own scaling), runs the model and
 * returns its outputs with the placement that maps its boxes back to the picture.
 */
export async function runOnRegion(
  model: LoadedModel,
  image: RgbImage,
  region: Rect,
  /** The input buffer to fill (size² × 3), reused by a caller that runs the model one frame at a time. */
  input?: Float32Array<ArrayBuffer>,
): Promise<{ outputs: ort.InferenceSession.ReturnType; placement: Placement }> {
  const { size, scale, offset } = model.manifest.input;
  const { tensor, placement } = toModelInput(image, region, size, { scale, offset }, input);
  return { outputs: await runSingle(model, tensor, [1, size, size, 3]), placement };
}

/** Runs a single-input model on an NHWC float tensor and returns its outputs by name. */
export async function runSingle(
  model: LoadedModel,
  tensor: Float32Array,
  shape: readonly number[],
): Promise<ort.InferenceSession.ReturnType> {
  const [input] = model.manifest.inputs;
  if (!input) throw new ModelLoadError('MODEL_INVALID', `${model.manifest.id} has no input`);
  return model.session.run({ [input.name]: new ort.Tensor('float32', tensor, shape) });
}

/**
 * A user's validated ONNX detector as an ObjectDetector: the region is letterboxed into the model's square
 * input with the model's pixel scaling (NCHW models get the planes transposed), and its outputs decoded by
 * the YOLO or SSD decoder into the same detections centernet gives.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { toModelInput, type Rect, type RgbImage } from '../image/rgb.js';
import { createSession, ModelLoadError, ort, type SessionOptions } from '../models/session.js';
import type { UserDetectorChoice } from '../protocol.js';
import type { ObjectDetector } from './object-detector.js';
import type { ObjectOptions } from './objects.js';
import { decodeSsd } from './ssd.js';
import { decodeYolo, type RawTensor } from './yolo.js';

/** NHWC (what toModelInput writes) to NCHW planes. */
export function toPlanes(
  nhwc: Float32Array,
  size: number,
  out = new Float32Array(size * size * 3),
): Float32Array {
  const plane = size * size;
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    out[p] = nhwc[i]!;
    out[plane + p] = nhwc[i + 1]!;
    out[2 * plane + p] = nhwc[i + 2]!;
  }
  return out;
}

function raw(outputs: ort.InferenceSession.ReturnType, name: string): RawTensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`the model gave no output ${name}`);
  const data = tensor.data;
  // Class outputs are often int64; every decoder reads plain numbers.
  const floats =
    data instanceof Float32Array
      ? data
      : Float32Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
  return { data: floats, dims: tensor.dims };
}

/** Opens the file (its sha256 must match the choice) and checks the session has the spec's inputs and outputs. */
export async function loadUserDetector(
  choice: UserDetectorChoice,
  options: SessionOptions,
): Promise<ObjectDetector> {
  const bytes = await readFile(choice.file).catch((failure: unknown) => {
    throw new ModelLoadError('MODEL_MISSING', `detector ${choice.id}: ${String(failure)}`);
  });
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== choice.sha256) {
    throw new ModelLoadError(
      'MODEL_CORRUPT',
      `detector ${choice.id}: the file changed since it was validated`,
    );
  }
  const { spec } = choice;
  const session = await createSession(bytes, options).catch((failure: unknown) => {
    throw new ModelLoadError('MODEL_INVALID', `detector ${choice.id}: ${String(failure)}`);
  });
  const wanted = [spec.outputs.boxes, spec.outputs.scores, spec.outputs.classes].filter(
    (name): name is string => name !== null,
  );
  const missing = [spec.input.name, ...wanted].filter(
    (name) => !session.inputNames.includes(name) && !session.outputNames.includes(name),
  );
  if (missing.length > 0) {
    await session.release();
    throw new ModelLoadError('MODEL_INVALID', `detector ${choice.id} has no ${missing.join(', ')}`);
  }
  const { size, scale, offset, layout } = spec.input;
  const shape = layout === 'nchw' ? [1, 3, size, size] : [1, size, size, 3];
  // Reused for every frame (the worker analyses one at a time): no 5–10 MB of garbage per frame.
  const pixels = new Float32Array(size * size * 3);
  const planes = layout === 'nchw' ? new Float32Array(size * size * 3) : pixels;
  // The worker swaps detectors between frames, but a frame may still be in this one: its session is freed
  // when the last run ends.
  const use = { running: 0, retired: false };
  const free = () => session.release();
  const finish = async () => {
    use.running--;
    // A failure to free memory of a session nobody uses any more changes nothing for the worker.
    if (use.retired && use.running === 0) await free().catch(() => undefined);
  };
  return {
    id: choice.id,
    sha256: choice.sha256,
    labels: spec.labels,
    release: async () => {
      use.retired = true;
      if (use.running === 0) await free();
    },
    async detect(image: RgbImage, options, region?: Rect) {
      if (use.retired) throw new Error(`detector ${choice.id} was replaced`);
      use.running++;
      try {
        return await run(image, options, region);
      } finally {
        await finish();
      }
    },
  };

  async function run(image: RgbImage, options: ObjectOptions, region?: Rect) {
    const area = region ?? { x: 0, y: 0, width: image.width, height: image.height };
    const { tensor, placement } = toModelInput(image, area, size, { scale, offset }, pixels);
    const input = layout === 'nchw' ? toPlanes(tensor, size, planes) : tensor;
    const outputs = await session.run({ [spec.input.name]: new ort.Tensor('float32', input, shape) }, wanted);
    if (spec.kind === 'yolo') {
      return decodeYolo(raw(outputs, spec.outputs.boxes), spec.labels, placement, options);
    }
    const scores = raw(outputs, spec.outputs.scores ?? '');
    const classes = spec.outputs.classes === null ? null : raw(outputs, spec.outputs.classes);
    return decodeSsd(
      { boxes: raw(outputs, spec.outputs.boxes), scores, classes, boxOrder: spec.boxOrder },
      spec.labels,
      placement,
      options,
    );
  }
}

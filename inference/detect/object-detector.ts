/**
 * The object detector the camera analysers call, whichever model is behind it: the shipped centernet or a
 * user's YOLO or SSD-style ONNX file. The worker swaps it without restarting; analysers read it per frame.
 */
import type { Rect, RgbImage } from '../image/rgb.js';
import type { LoadedModel } from '../models/session.js';
import type { Detection } from './boxes.js';
import { detectObjects, type ObjectOptions } from './objects.js';

export interface ObjectDetector {
  /** `centernet`, or the id the server gave a user's upload. */
  readonly id: string;
  readonly sha256: string;
  readonly labels: readonly string[];
  /** Detections in pixels of `image`, looking only at `region` (default the whole picture). */
  detect(image: RgbImage, options: ObjectOptions, region?: Rect): Promise<Detection[]>;
  /** Frees the onnxruntime session (the detector is not used afterwards). */
  release(): Promise<void>;
}

export function centernetDetector(model: LoadedModel): ObjectDetector {
  // One input buffer (3 MB at 512²) for every frame: the worker analyses frames one at a time.
  const { size } = model.manifest.input;
  const input = new Float32Array(size * size * 3);
  return {
    id: model.manifest.id,
    sha256: model.manifest.sha256,
    labels: model.manifest.labels,
    detect: (image, options, region) => detectObjects(model, image, options, region, input),
    release: () => model.session.release(),
  };
}

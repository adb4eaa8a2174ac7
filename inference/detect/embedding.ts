/**
 * Face descriptors with the shipped FaceRes: a square crop around the detected face (widened a little, as
 * the model was trained on loosely cropped faces) becomes a unit-length 1024-value vector, so two faces
 * compare by their dot product (cosine similarity).
 */
import type { Rect, RgbImage } from '../image/rgb.js';
import { runOnRegion, type LoadedModel } from '../models/session.js';

export const DESCRIPTOR_OUTPUT = 'global_pooling/Mean';
/** How much wider than the detector's box the crop is. */
const MARGIN = 1.25;

/** A square around the face box, widened by MARGIN and kept inside the picture. */
export function faceCrop(image: RgbImage, face: Rect): Rect {
  const side = Math.min(Math.max(face.width, face.height) * MARGIN, image.width, image.height);
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  const x = Math.min(Math.max(cx - side / 2, 0), image.width - side);
  const y = Math.min(Math.max(cy - side / 2, 0), image.height - side);
  return { x, y, width: side, height: side };
}

export async function faceDescriptor(model: LoadedModel, image: RgbImage, face: Rect): Promise<Float32Array> {
  const { outputs } = await runOnRegion(model, image, faceCrop(image, face));
  const raw = outputs[DESCRIPTOR_OUTPUT]!.data as Float32Array;
  return normalise(raw);
}

export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(vector, (v) => v / norm);
}

export { similarity } from './similarity.js';

/** The small JPEG of a face kept beside its descriptor: what a person looks at to say who it is. */
import { faceCrop } from '../detect/embedding.js';
import { encodeJpeg } from '../image/jpeg.js';
import { shrinkRegion } from '../image/resize.js';
import type { Rect, RgbImage } from '../image/rgb.js';
import { FACE_CROP_PX } from '../protocol.js';

/** Quality 85: a 112 px face stays ~4 KB and still shows who it is. */
const CROP_QUALITY = 85;

/** The same square the descriptor sees (the face widened a little), at most FACE_CROP_PX a side. */
export function faceCropJpeg(image: RgbImage, face: Rect): Uint8Array {
  const square = faceCrop(image, face);
  const side = Math.max(1, Math.min(FACE_CROP_PX, Math.round(square.width)));
  return encodeJpeg(shrinkRegion(image, square, side, side), CROP_QUALITY);
}

/**
 * The faces of one picture a person sent (an uploaded photo), for enrolment: decoded (bounded), shrunk so the
 * detector and the descriptor work on a picture of sensible size, every face found described, largest first.
 * With a box, that region is the face and no detector runs (it came from a detector already).
 */
import { faceDescriptor } from '../detect/embedding.js';
import { detectFaces } from '../detect/faces.js';
import { decodeJpeg, JpegError } from '../image/jpeg.js';
import { fitWithin } from '../image/resize.js';
import type { Rect } from '../image/rgb.js';
import type { LoadedModel } from '../models/session.js';
import {
  MAX_DESCRIBE_MEGAPIXELS,
  type DescribedFace,
  type DescribeErrorCode,
  type NormalBox,
} from '../protocol.js';
import { faceCropJpeg } from './face-crop.js';
import { normalise } from './regions.js';

/** Photos are shrunk to this longer side first: faces stay far above FaceRes's 224 px input in any portrait. */
const DETECT_SIDE = 1024;
/** Higher than on camera frames (0.6 there too): a photo is sharp, and a false face would become a sample. */
const MIN_FACE_SCORE = 0.6;
const MAX_FACES = 8;
/** A given box smaller than this (in pixels of the shrunk picture) holds no usable face. */
const MIN_FACE_PX = 12;

export class DescribeError extends Error {
  constructor(
    readonly code: DescribeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function describePicture(
  models: { faces: LoadedModel; descriptor: LoadedModel },
  jpeg: Uint8Array,
  box?: NormalBox,
): Promise<DescribedFace[]> {
  let picture;
  try {
    picture = fitWithin(decodeJpeg(jpeg, MAX_DESCRIBE_MEGAPIXELS), DETECT_SIDE);
  } catch (failure) {
    if (failure instanceof JpegError) throw new DescribeError(failure.code, failure.message);
    throw failure;
  }
  const { width, height } = picture;
  let found: { box: Rect; score: number }[];
  if (box) {
    const x = Math.max(0, box.x * width);
    const y = Math.max(0, box.y * height);
    const given = {
      x,
      y,
      width: Math.min(box.width * width, width - x),
      height: Math.min(box.height * height, height - y),
    };
    if (!(given.width >= MIN_FACE_PX && given.height >= MIN_FACE_PX)) {
      throw new DescribeError('NO_FACE', 'The box is too small (or outside the picture) to hold a face.');
    }
    found = [{ box: given, score: 1 }];
  } else {
    found = (await detectFaces(models.faces, picture, MIN_FACE_SCORE))
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
      .slice(0, MAX_FACES);
    if (found.length === 0) throw new DescribeError('NO_FACE', 'No face was found in the picture.');
  }
  const faces: DescribedFace[] = [];
  for (const face of found) {
    const descriptor = await faceDescriptor(models.descriptor, picture, face.box);
    faces.push({
      descriptor: Array.from(descriptor),
      box: normalise(face.box, width, height),
      score: Math.round(face.score * 1000) / 1000,
      crop: faceCropJpeg(picture, face.box),
    });
  }
  return faces;
}

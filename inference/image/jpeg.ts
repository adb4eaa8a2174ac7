/**
 * JPEG in and out of packed RGB with jpeg-js (pure JavaScript, so a hostile file can only fail, never reach
 * native code). Decoding is bounded by the caller's megapixels and MAX_DECODE_MB of memory, so an upload that
 * claims 60000 × 60000 pixels is refused before anything is allocated.
 */
import jpeg from 'jpeg-js';
import type { RgbImage } from './rgb.js';

/** jpeg-js's own memory ceiling for one decode, in MB. */
const MAX_DECODE_MB = 256;

export class JpegError extends Error {
  constructor(
    readonly code: 'BAD_IMAGE' | 'IMAGE_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

export function decodeJpeg(bytes: Uint8Array, maxMegapixels: number): RgbImage {
  // SOI marker: anything else is not a JPEG, and jpeg-js would otherwise report it in its own words.
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new JpegError('BAD_IMAGE', 'The file is not a JPEG picture.');
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxMegapixels,
      maxMemoryUsageInMB: MAX_DECODE_MB,
    });
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) {
      throw new JpegError('IMAGE_TOO_LARGE', `The picture is larger than ${maxMegapixels} megapixels.`);
    }
    throw new JpegError('BAD_IMAGE', `The JPEG picture cannot be decoded: ${message}`);
  }
  const { width, height, data } = decoded;
  if (width < 1 || height < 1 || data.length !== width * height * 3) {
    throw new JpegError('BAD_IMAGE', 'The JPEG picture has no pixels.');
  }
  return { width, height, data };
}

export function encodeJpeg(image: RgbImage, quality: number): Uint8Array {
  const { width, height, data } = image;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, o = 0; i < data.length; i += 3, o += 4) {
    rgba[o] = data[i]!;
    rgba[o + 1] = data[i + 1]!;
    rgba[o + 2] = data[i + 2]!;
    rgba[o + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
}

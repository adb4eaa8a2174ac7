/**
 * What the server and the thumbnail program (media/thumbnail.ts) say to each other over the IPC channel of a
 * `fork` with `serialization: 'advanced'`: one request, one reply, then the program exits.
 */
import { THUMBNAIL_WIDTH_RANGE } from './pipelines/thumbnail.js';

/** Server → program: the first picture of one kept segment, as a JPEG. */
export interface ThumbnailRequest {
  type: 'thumbnail';
  /** Absolute path of an MPEG-TS segment (H.264, starting on a keyframe). */
  input: string;
  /** Width of the JPEG in px (16–1920); the height keeps the picture's shape. */
  width: number;
}

/** Program → server: the JPEG and its size in px, or why there is none. */
export type ThumbnailReply =
  { type: 'thumbnail'; jpeg: Uint8Array; width: number; height: number } | { type: 'error'; message: string };

/** A request the program cannot act on. */
export class BadThumbnailRequestError extends Error {
  readonly code = 'BAD_CONFIG';
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The request as sent, checked: an absolute path without control characters, a width within range. */
export function parseThumbnailRequest(raw: unknown): ThumbnailRequest {
  if (typeof raw !== 'object' || raw === null) throw new BadThumbnailRequestError('not a message');
  const { type, input, width } = raw as Record<string, unknown>;
  if (type !== 'thumbnail') throw new BadThumbnailRequestError(`unexpected message ${String(type)}`);
  if (typeof input !== 'string' || !input.startsWith('/') || CONTROL.test(input))
    throw new BadThumbnailRequestError('input must be an absolute path without control characters');
  const { min, max } = THUMBNAIL_WIDTH_RANGE;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < min || width > max)
    throw new BadThumbnailRequestError(`width must be an integer from ${min} to ${max}`);
  return { type, input, width };
}

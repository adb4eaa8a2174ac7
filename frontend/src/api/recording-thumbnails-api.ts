// The stills along the recordings timeline (about one per 2.5 minutes of footage, made at record time). The
// wire types come, as types only, from the server's TypeBox schemas.
import type { Static } from 'typebox';
import type {
  RecordingThumbnailSchema,
  RecordingThumbnailsSchema,
} from '../../../server/recordings/recording-thumbnails.schemas';
import { requestJson } from './client';
import { query } from './urls';

/** One still: its id and when the segment it shows the first picture of started (epoch ms). */
export type RecordingThumbnail = Static<typeof RecordingThumbnailSchema>;
/** GET /api/recordings/thumbnails: a camera's stills in [from, to), oldest first. */
export type RecordingThumbnails = Static<typeof RecordingThumbnailsSchema>;

export const recordingThumbnailsApi = {
  list: async (camera: number, from: number, to: number) =>
    (await requestJson(
      'GET',
      `/api/recordings/thumbnails?${query({ camera, from, to })}`,
    )) as RecordingThumbnails,
};

/** One still as JPEG, for an <img>. */
export function recordingThumbnailUrl(id: number): string {
  return `/api/recordings/thumbnails/${id}`;
}

import { Type, type Static } from 'typebox';
import { MAX_SPAN_MS } from './recordings.schemas.js';

/** Most thumbnails one list request returns: a week (MAX_SPAN_MS) at one per 2.5 min is 4,032. */
export const MAX_THUMBNAILS = 5_000;

export const ThumbnailIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const RecordingThumbnailSchema = Type.Object({
  id: Type.Integer({ description: 'For GET /api/recordings/thumbnails/:id' }),
  at: Type.Integer({ description: 'Epoch ms: when the segment it shows the first picture of started' }),
});
export type RecordingThumbnail = Static<typeof RecordingThumbnailSchema>;

export const RecordingThumbnailsSchema = Type.Object({
  thumbnails: Type.Array(RecordingThumbnailSchema, {
    maxItems: MAX_THUMBNAILS,
    description:
      `A camera's thumbnails in [from, to) (at most ${MAX_SPAN_MS} ms, 7 days), oldest first; at most ` +
      `${MAX_THUMBNAILS}, about one per 2.5 minutes of footage`,
  }),
});
export type RecordingThumbnails = Static<typeof RecordingThumbnailsSchema>;

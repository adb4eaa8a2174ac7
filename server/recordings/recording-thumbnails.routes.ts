import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { RecordingThumbnailsSchema, ThumbnailIdParams } from './recording-thumbnails.schemas.js';
import { RecordingsQuery } from './recordings.schemas.js';

/** The stills along the recordings timeline: a camera's over a span, and one as JPEG. */
export const recordingThumbnailsRoutes: RoutePlugin = async (app, { services }) => {
  const { thumbnails } = services;

  app.get(
    '/api/recordings/thumbnails',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: "A camera's timeline thumbnails in [from, to), oldest first",
        description:
          'About one per 2.5 minutes of footage, each the first picture of a kept segment, 320 px wide. ' +
          'Errors as GET /api/recordings: VALIDATION_FAILED and BAD_RANGE (400), NOT_FOUND (404, no such ' +
          'camera), VAULT_LOCKED (423).',
        querystring: RecordingsQuery,
        response: { 200: RecordingThumbnailsSchema, ...errorResponses(404, 423) },
      },
    },
    (request) => thumbnails.list(request.query.camera, request.query.from, request.query.to),
  );

  app.get(
    '/api/recordings/thumbnails/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: 'One timeline thumbnail as JPEG',
        description: 'NOT_FOUND (404) for no such thumbnail or a file that is gone; VAULT_LOCKED (423).',
        params: ThumbnailIdParams,
        produces: ['image/jpeg'],
        response: errorResponses(404, 423),
      },
    },
    // Cache-Control stays the API's no-store (api-headers.ts): a picture of the camera never lands in the
    // browser's disk cache, which is not encrypted.
    async (request, reply) => reply.type('image/jpeg').send(await thumbnails.jpeg(request.params.id)),
  );
};

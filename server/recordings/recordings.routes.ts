import { EventIdParams } from '../events/events.schemas.js';
import { writeHijackedHead } from '../http/api-headers.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { pumpFile } from '../files/file-pump.js';
import {
  EventRecordingsSchema,
  MAX_SEGMENTS,
  RecordingIdParams,
  RecordingsIndexSchema,
  RecordingsQuery,
} from './recordings.schemas.js';
import { PLAYLIST_CONTENT_TYPE } from './recordings-playlist.js';

// Footage never lands in a browser's disk cache, where it would sit unencrypted (api-headers.ts).
const SEGMENT_CACHE = 'no-store';

/**
 * What was recorded: a camera's timeline over a span, one segment's MPEG-TS, an event's segments, and HLS
 * playlists over a span or an event for the player.
 */
export const recordingsRoutes: RoutePlugin = async (app, { services }) => {
  const { recordings } = services;

  app.get(
    '/api/recordings',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: "A camera's recorded ranges and segments overlapping [from, to)",
        description:
          `At most 7 days per request and at most ${MAX_SEGMENTS} segments (\`truncated\` says when more ` +
          'overlap; ranges always cover the whole span). Errors: VALIDATION_FAILED and BAD_RANGE (400; ' +
          '"from" not before "to", or a span over 7 days), NOT_FOUND (404, no such camera), VAULT_LOCKED (423).',
        querystring: RecordingsQuery,
        response: { 200: RecordingsIndexSchema, ...errorResponses(404, 423) },
      },
    },
    (request) => recordings.index(request.query.camera, request.query.from, request.query.to),
  );

  app.get(
    '/api/recordings/:id/file',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: 'One segment as MPEG-TS (H.264)',
        params: RecordingIdParams,
        produces: ['video/mp2t'],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) => {
      const { file, size } = await recordings.file(request.params.id);
      void reply
        .header('content-type', 'video/mp2t')
        .header('content-length', size)
        .header('cache-control', SEGMENT_CACHE)
        .header('cross-origin-resource-policy', 'same-origin');
      writeHijackedHead(request, reply, 200);
      if (request.method === 'HEAD') {
        await file.close();
        return void reply.raw.end();
      }
      await pumpFile(file, 0, size - 1, reply.raw).catch((error: unknown) => {
        request.log.warn({ err: error }, 'recording download cut off');
      });
      return undefined;
    },
  );

  app.get(
    '/api/events/:id/recordings',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: 'The segments that show an event, oldest first',
        params: EventIdParams,
        response: { 200: EventRecordingsSchema, ...errorResponses(404, 423) },
      },
    },
    (request) => recordings.ofEvent(request.params.id),
  );

  app.get(
    '/api/recordings/playlist.m3u8',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: "An HLS VOD playlist of a camera's segments overlapping [from, to)",
        description:
          `The first ${MAX_SEGMENTS} segments of the span, each from /api/recordings/:id/file; ` +
          'EXT-X-PROGRAM-DATE-TIME before the first and after every gap (with EXT-X-DISCONTINUITY). ' +
          'Errors as GET /api/recordings, and NO_RECORDINGS (404) when nothing was kept in the span.',
        querystring: RecordingsQuery,
        produces: [PLAYLIST_CONTENT_TYPE],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) => {
      const { camera, from, to } = request.query;
      const playlist = await recordings.playlist(camera, from, to);
      return reply.type(PLAYLIST_CONTENT_TYPE).header('cache-control', SEGMENT_CACHE).send(playlist);
    },
  );

  app.get(
    '/api/events/:id/clip.m3u8',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['recordings'],
        summary: "An HLS VOD playlist of an event's segments, its pre-roll first",
        description: 'NOT_FOUND (404) for no such event, NO_RECORDINGS (404) when none were kept for it.',
        params: EventIdParams,
        produces: [PLAYLIST_CONTENT_TYPE],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) =>
      reply
        .type(PLAYLIST_CONTENT_TYPE)
        .header('cache-control', SEGMENT_CACHE)
        .send(recordings.eventClip(request.params.id)),
  );
};

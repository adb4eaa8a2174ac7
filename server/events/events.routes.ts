import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { AppError } from '../errors.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import {
  EventIdParams,
  EventSchema,
  EventsPage,
  EventsQuery,
  ProtectBody,
  SnapshotQuery,
  StatsQuery,
  StatsResponse,
} from './events.schemas.js';
import type { NormalBox } from './events.store.js';

const HOUR = 3_600_000;

/** The snapshot with the object's box drawn in (a 3 px frame in a bright colour); the stored file stays clean. */
function drawBox(file: Buffer, box: NormalBox): Buffer {
  const picture = jpeg.decode(file, { useTArray: true, formatAsRGBA: true });
  const { width, height, data } = picture;
  const x0 = Math.max(0, Math.round(box.x * width));
  const y0 = Math.max(0, Math.round(box.y * height));
  const x1 = Math.min(width - 1, Math.round((box.x + box.width) * width));
  const y1 = Math.min(height - 1, Math.round((box.y + box.height) * height));
  const paint = (x: number, y: number) => {
    const p = (y * width + x) * 4;
    data[p] = 255;
    data[p + 1] = 200;
    data[p + 2] = 0;
  };
  for (let t = 0; t < 3; t++) {
    for (let x = x0; x <= x1; x++) {
      paint(x, Math.min(y0 + t, height - 1));
      paint(x, Math.max(y1 - t, 0));
    }
    for (let y = y0; y <= y1; y++) {
      paint(Math.min(x0 + t, width - 1), y);
      paint(Math.max(x1 - t, 0), y);
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 85).data);
}

/** Events: the list (keyset pages, newest first), one event, its snapshot, delete, protect, counts per hour. */
export const eventsRoutes: RoutePlugin = async (app, { services }) => {
  const { events } = services;

  app.get(
    '/api/events',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'Events, newest first, filtered; pass nextCursor as cursor for the next page',
        querystring: EventsQuery,
        response: { 200: EventsPage, ...errorResponses(400, 423) },
      },
    },
    async (request) => {
      const { camera, label, zone, face, from, to, cursor, limit = 50 } = request.query;
      const [startedAt, id] = cursor ? cursor.split('.').map(Number) : [];
      const page = events.list({
        cameraId: camera,
        label,
        zone,
        face,
        from,
        to,
        before: startedAt !== undefined && id !== undefined ? { startedAt, id } : undefined,
        limit,
      });
      const last = page.at(-1);
      return {
        events: page,
        nextCursor: page.length === limit && last ? `${last.startedAt}.${last.id}` : null,
      };
    },
  );

  app.get(
    '/api/events/stats',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'Event counts per hour (or day) and label, for charts',
        querystring: StatsQuery,
        response: { 200: StatsResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const bucketMs = request.query.bucket === 'day' ? 24 * HOUR : HOUR;
      const hours = request.query.hours ?? 24;
      const now = services.now().getTime();
      const from = Math.floor((now - hours * HOUR) / bucketMs) * bucketMs;
      const state = events.state();
      // Locked: nothing to count, but the page still learns that events go by unstored, and how many.
      if (!state.stored) return { bucketMs, from, buckets: [], labels: [], ...state };
      return { bucketMs, from, buckets: events.stats(from, bucketMs), labels: events.labels(), ...state };
    },
  );

  app.get(
    '/api/events/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'One event',
        params: EventIdParams,
        response: { 200: EventSchema, ...errorResponses(404, 423) },
      },
    },
    async (request) => events.get(request.params.id),
  );

  app.get(
    '/api/events/:id/snapshot.jpg',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'The event’s best picture as JPEG; ?box=1 draws the object’s box',
        params: EventIdParams,
        querystring: SnapshotQuery,
        produces: ['image/jpeg'],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) => {
      const { file, box } = await events.snapshot(request.params.id);
      const bytes = await readFile(file).catch(() => {
        throw new AppError('NO_SNAPSHOT', 404, 'The snapshot file is gone.');
      });
      const body = request.query.box === '1' && box ? drawBox(bytes, box) : bytes;
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(body);
    },
  );

  app.delete(
    '/api/events/:id',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['events'],
        summary: 'Deletes an event and its snapshot',
        params: EventIdParams,
        response: { 204: NoContent, ...errorResponses(404, 423) },
      },
    },
    async (request, reply) => {
      await events.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/events/:id/protect',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['events'],
        summary: 'Protects an event from retention (or lifts it)',
        params: EventIdParams,
        body: ProtectBody,
        response: { 200: EventSchema, ...errorResponses(404, 423) },
      },
    },
    async (request) => events.protect(request.params.id, request.body.protected),
  );
};

import { AppError, notFound } from '../errors.js';
import { writeHijackedHead } from '../http/api-headers.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { CameraIdParams } from './cameras.schemas.js';

const BOUNDARY = 'vigil-mjpeg-frame';
const noFrame = () => new AppError('NO_FRAME', 503, 'The camera has not delivered a picture yet.');

/** Stills from each camera's low-rate decoded branch: the newest JPEG, and an MJPEG stream of them. */
export const cameraStillsRoutes: RoutePlugin = async (app, { services }) => {
  const { cameras, fleet } = services;
  const ensureCamera = async (id: number) => {
    if (!(await cameras.exists(id))) throw notFound('Camera');
  };

  app.get(
    '/api/cameras/:id/snapshot.jpg',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: 'The newest picture as JPEG (at most 640 px wide)',
        params: CameraIdParams,
        produces: ['image/jpeg'],
        response: errorResponses(404, 503),
      },
    },
    async (request, reply) => {
      await ensureCamera(request.params.id);
      const still = fleet?.latestStill(request.params.id);
      if (!still) throw noFrame();
      return reply
        .type('image/jpeg')
        .header('last-modified', new Date(still.at).toUTCString())
        .send(Buffer.from(still.jpeg.buffer, still.jpeg.byteOffset, still.jpeg.byteLength));
    },
  );

  app.get(
    '/api/cameras/:id/mjpeg',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary:
          'A multipart/x-mixed-replace stream of pictures (about 2 a second): the fallback when WebRTC cannot connect',
        params: CameraIdParams,
        produces: [`multipart/x-mixed-replace; boundary=${BOUNDARY}`],
        response: errorResponses(404, 503),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      await ensureCamera(id);
      if (!fleet) throw noFrame();
      // Headers go out at once; each new still is written as one part. Slow readers skip frames (latest wins).
      void reply.headers({
        'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
        connection: 'close',
      });
      writeHijackedHead(request, reply, 200);
      const raw = reply.raw;
      raw.flushHeaders();
      const write = (jpeg: Uint8Array) => {
        if (raw.writableNeedDrain) return;
        raw.write(`--${BOUNDARY}\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.byteLength}\r\n\r\n`);
        raw.write(jpeg);
        raw.write('\r\n');
      };
      const first = fleet.latestStill(id);
      if (first) write(first.jpeg);
      const unsubscribe = fleet.onStill(id, (still) => write(still.jpeg));
      request.raw.on('close', unsubscribe);
    },
  );
};

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { MAX_MODEL_BYTES } from '../../inference/models/user-model.js';
import { parseLabels } from './detector-labels.js';
import {
  ActiveDetectorBody,
  DetectorIdParams,
  DetectorSchema,
  DetectorsList,
  DetectorUploadQuery,
} from './detectors.schemas.js';
import { modelTooLarge } from './detectors.service.js';

const UPLOAD_DESCRIPTION =
  'The ONNX file is the raw body (`application/octet-stream`, at most 200 MB); `name` and `labels` (one per ' +
  'line, or a JSON array) are query parameters. Accepted: one image input [1, 3, H, W] or [1, H, W, 3] ' +
  '(H = W, fixed or symbolic), and either a YOLOv8/YOLO11 output [1, 4 + C, N] or SSD-style boxes [1, N, 4] ' +
  'with scores [1, N, C] (or [1, N] with classes [1, N]); C must equal the number of labels. Refusals: ' +
  'MODEL_INVALID, MODEL_SHAPE_MISMATCH, MODEL_LABELS_MISMATCH, MODEL_TIMEOUT (400), MODEL_TOO_LARGE (413).';

/** Object detectors: the built-in one and admins' uploads, which one runs, and deleting uploads. */
export const detectorsRoutes: RoutePlugin = async (app, { services }) => {
  const { detectors } = services;
  const tags = ['detection'];

  app.get(
    '/api/detectors',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'The built-in detector and uploaded ones, with their validated shapes, and which runs',
        response: { 200: DetectorsList, ...errorResponses() },
      },
    },
    async () => detectors.list(),
  );

  await app.register(async (scope) => {
    const raw = scope.withTypeProvider<TypeBoxTypeProvider>();
    // The model streams to disk from the raw request (up to 200 MB, past the app's JSON body limit).
    raw.addContentTypeParser('application/octet-stream', (_request, _payload, done) => {
      done(null);
    });
    raw.post(
      '/api/detectors',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          summary: 'Uploads an ONNX detector with its labels; validated before it is kept',
          description: UPLOAD_DESCRIPTION,
          querystring: DetectorUploadQuery,
          response: { 201: DetectorSchema, ...errorResponses(400, 413, 415) },
        },
      },
      async (request, reply) => {
        if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/octet-stream') {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            415,
            'Send the ONNX file itself as the body, with Content-Type application/octet-stream.',
          );
        }
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > MAX_MODEL_BYTES) throw modelTooLarge(declared);
        const { name, labels, pixels, boxes } = request.query;
        const view = await detectors.upload(request.raw, {
          name: name.trim(),
          labels: parseLabels(labels),
          pixels,
          boxOrder: boxes,
        });
        return reply.code(201).send(view);
      },
    );
  });

  app.put(
    '/api/detectors/active',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Chooses the detector; the inference worker swaps to it without restarting',
        body: ActiveDetectorBody,
        response: { 200: DetectorsList, ...errorResponses(404, 409) },
      },
    },
    async (request) => detectors.activate(request.body.id),
  );

  app.delete(
    '/api/detectors/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Deletes an uploaded detector (not the built-in one, nor the active one)',
        params: DetectorIdParams,
        response: { 204: NoContent, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await detectors.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

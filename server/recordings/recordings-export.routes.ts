import { requireUser } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import {
  EXPORT_TOPIC,
  ExportBody,
  ExportStartedSchema,
  MAX_EXPORT_SPAN_MS,
} from './recordings-export.schemas.js';

/** Exporting a recorded range as one MP4 into Files (editors and admins: it writes into the file manager). */
export const recordingsExportRoutes: RoutePlugin = async (app, { services }) => {
  const { recordingExports } = services;

  app.post(
    '/api/recordings/export',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['recordings'],
        summary: "Starts exporting a camera's segments overlapping [from, to) as one MP4 into Files",
        description:
          'Remuxed, never re-encoded, whole segments (so it may start and end a few seconds outside the span); ' +
          'footage from several sessions or with gaps is joined so that it plays straight through. Answers at ' +
          `once; progress goes to the caller on /api/ws (topic \`${EXPORT_TOPIC}\`: id, state running|done|` +
          'failed, progress 0..1, path, error). The file lands in Files under /Exports, never replacing ' +
          `anything ("name (2).mp4"). At most ${MAX_EXPORT_SPAN_MS / 3_600_000} h per export. Errors: ` +
          'VALIDATION_FAILED and BAD_RANGE (400), NOT_FOUND (404, no such camera), NO_RECORDINGS (404), ' +
          'EXPORT_BUSY and EXPORTS_NOT_A_FOLDER (409), VAULT_LOCKED (423), INSUFFICIENT_STORAGE (507).',
        body: ExportBody,
        response: { 202: ExportStartedSchema, ...errorResponses(404, 409, 423, 507) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await recordingExports.start({ user: requireUser(request), ip: request.ip }, request.body)),
  );
};

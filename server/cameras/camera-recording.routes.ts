import { requireUser } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { RecordingSettingsSchema } from '../recordings/recording-settings.js';
import { CameraRecordingSchema } from '../recordings/recordings.schemas.js';
import { CameraIdParams } from './cameras.schemas.js';

/** Per-camera recording settings: everyone signed in may see whether a camera records; admins change it. */
export const cameraRecordingRoutes: RoutePlugin = async (app, { services }) => {
  const { cameraRecording } = services;

  app.get(
    '/api/cameras/:id/recording',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: "A camera's recording settings (its own, or the defaults), the defaults, and the modes",
        params: CameraIdParams,
        response: { 200: CameraRecordingSchema, ...errorResponses(404) },
      },
    },
    (request) => cameraRecording.get(request.params.id),
  );

  app.put(
    '/api/cameras/:id/recording',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Set what a camera records, and its pre-roll, post-roll and segment length',
        description:
          'The body is the full settings (every field). Errors: VALIDATION_FAILED (400; a field out of range ' +
          'or of the wrong shape; the message names it), NOT_FOUND (404).',
        params: CameraIdParams,
        body: RecordingSettingsSchema,
        response: { 200: CameraRecordingSchema, ...errorResponses(404) },
      },
    },
    (request) =>
      cameraRecording.set({ user: requireUser(request), ip: request.ip }, request.params.id, request.body),
  );
};

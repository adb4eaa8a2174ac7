import { CameraDetectionBody, CameraDetectionSchema } from '../detection/detection-settings.schemas.js';
import { requireUser } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { CameraIdParams } from './cameras.schemas.js';

const SETTINGS_ERRORS =
  'Errors (400): VALIDATION_FAILED (a field out of range or of the wrong shape; the message names it), ' +
  'UNKNOWN_LABEL, NO_LABELS, SCORE_FOR_UNTRACKED_LABEL, INVALID_ZONE_NAME, DUPLICATE_ZONE_NAME, ' +
  'INVALID_POLYGON, IDLE_FPS_ABOVE_FPS. NOT_FOUND (404).';

/** Per-camera detection settings (admin): what is tracked, how sure, where, and how many frames. */
export const cameraDetectionRoutes: RoutePlugin = async (app, { services }) => {
  const { cameraDetection } = services;

  app.get(
    '/api/cameras/:id/detection',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary:
          "A camera's detection settings (its own, or the defaults), the defaults, and the known labels",
        params: CameraIdParams,
        response: { 200: CameraDetectionSchema, ...errorResponses(404) },
      },
    },
    (request) => cameraDetection.get(request.params.id),
  );

  app.put(
    '/api/cameras/:id/detection',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Set detection on or off and its settings',
        description:
          'Without `settings` the camera follows the defaults. Labels, thresholds, zones and masks apply at ' +
          'once; a new analysis rate or width restarts the camera (its picture is cut for a moment). ' +
          SETTINGS_ERRORS,
        params: CameraIdParams,
        body: CameraDetectionBody,
        response: { 200: CameraDetectionSchema, ...errorResponses(404) },
      },
    },
    (request) =>
      cameraDetection.set({ user: requireUser(request), ip: request.ip }, request.params.id, request.body),
  );
};

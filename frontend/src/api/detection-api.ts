// A camera's detection settings (admin): the wire types come, as types only, from the server's TypeBox schemas.
import type { Static } from 'typebox';
import type {
  CameraDetectionBody,
  CameraDetectionSchema,
  DetectionSettingsSchema,
} from '../../../server/detection/detection-settings.schemas';
import { requestJson } from './client';

/** What a camera detects, how sure it must be, where, and on how many frames. */
export type DetectionSettings = Static<typeof DetectionSettingsSchema>;
/** GET /api/cameras/:id/detection: the camera's settings (its own or the defaults), the defaults, the labels. */
export type CameraDetection = Static<typeof CameraDetectionSchema>;
/** PUT /api/cameras/:id/detection; without `settings` the camera follows the defaults. */
export type CameraDetectionRequest = Static<typeof CameraDetectionBody>;
export type DetectionZone = DetectionSettings['zones'][number];

export const detectionApi = {
  get: async (cameraId: number) =>
    (await requestJson('GET', `/api/cameras/${cameraId}/detection`)) as CameraDetection,
  save: async (cameraId: number, body: CameraDetectionRequest) =>
    (await requestJson('PUT', `/api/cameras/${cameraId}/detection`, { body })) as CameraDetection,
};

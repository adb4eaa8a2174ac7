// Object detectors (admin): the built-in one and uploaded ONNX models, which one runs. Wire types come, as types
// only, from the server's TypeBox schemas.
import type { Static } from 'typebox';
import type { DetectorSchema, DetectorsList } from '../../../server/detection/detectors.schemas';
import { requestEmpty, requestJson } from './client';
import { query } from './urls';

export type Detector = Static<typeof DetectorSchema>;
/** GET /api/detectors: every detector, the chosen one, the running one, and why a choice did not load. */
export type Detectors = Static<typeof DetectorsList>;

/** An upload streams the file and then waits for the server's check (onnxruntime, up to 30 s): 10 minutes. */
export const DETECTOR_UPLOAD_TIMEOUT_MS = 10 * 60_000;

export interface DetectorUpload {
  file: Blob;
  name: string;
  /** One label per line, in the model's class order. */
  labels: string;
}

/** POST /api/detectors: the file as the raw body (the server takes exactly application/octet-stream), name and
 * labels in the query. */
async function upload({ file, name, labels }: DetectorUpload): Promise<Detector> {
  const body = new Blob([file], { type: 'application/octet-stream' });
  return (await requestJson('POST', `/api/detectors?${query({ name, labels })}`, {
    file: body,
    timeoutMs: DETECTOR_UPLOAD_TIMEOUT_MS,
  })) as Detector;
}

export const detectorsApi = {
  list: async () => (await requestJson('GET', '/api/detectors')) as Detectors,
  upload,
  activate: async (id: string) =>
    (await requestJson('PUT', '/api/detectors/active', { body: { id } })) as Detectors,
  remove: (id: string) => requestEmpty('DELETE', `/api/detectors/${encodeURIComponent(id)}`),
};

// Face recognition's people and candidates, as the server's /api/faces routes show them (types taken from
// server/faces/faces.schemas.ts), and the client calls for them.
import type { Static } from 'typebox';
import type { CandidateSchema, CandidatesPage, PersonSchema } from '../../../server/faces/faces.schemas';
import { requestEmpty, requestJson } from './client';
import { query } from './urls';

/** An enrolled person. */
export type Person = Static<typeof PersonSchema>;
/** An unknown face seen in an event, to enrol or to add to someone. */
export type FaceCandidate = Static<typeof CandidateSchema>;
export type FaceCandidatesPage = Static<typeof CandidatesPage>;

/** How long describing a photo may take on the server, in milliseconds (it allows itself 15 s). */
const PHOTO_TIMEOUT_MS = 30_000;

export const facesApi = {
  list: async () => (await requestJson('GET', '/api/faces')) as Person[],
  candidates: async (cursor?: string, limit = 24) =>
    (await requestJson('GET', `/api/faces/candidates?${query({ cursor, limit })}`)) as FaceCandidatesPage,
  /** "Enrol as …": a new person from an event's face. FACE_NAME_TAKEN (409) when the name is someone's. */
  enrolFromEvent: async (name: string, eventId: number, faceIndex: number) =>
    (await requestJson('POST', '/api/faces', { body: { name, eventId, faceIndex } })) as Person,
  /** "This is …": the event's face becomes one of the person's samples. */
  addFromEvent: async (id: number, eventId: number, faceIndex: number) =>
    (await requestJson('POST', `/api/faces/${id}/samples`, { body: { eventId, faceIndex } })) as Person,
  /** A new person from a JPEG photo's largest face; NO_FACE (422) when it has none. */
  enrolFromPhoto: async (name: string, photo: Blob) =>
    (await requestJson('POST', `/api/faces/photo?${query({ name })}`, {
      file: photo,
      timeoutMs: PHOTO_TIMEOUT_MS,
    })) as Person,
  addFromPhoto: async (id: number, photo: Blob) =>
    (await requestJson('POST', `/api/faces/${id}/photo`, {
      file: photo,
      timeoutMs: PHOTO_TIMEOUT_MS,
    })) as Person,
  rename: async (id: number, name: string) =>
    (await requestJson('PATCH', `/api/faces/${id}`, { body: { name } })) as Person,
  /** `id`'s samples and event faces go to `into`; `id` is deleted. */
  merge: async (id: number, into: number) =>
    (await requestJson('POST', `/api/faces/${id}/merge`, { body: { into } })) as Person,
  remove: (id: number) => requestEmpty('DELETE', `/api/faces/${id}`),
  removeSample: (id: number) => requestEmpty('DELETE', `/api/faces/samples/${id}`),
};

export const sampleCropUrl = (sampleId: number) => `/api/faces/samples/${sampleId}.jpg`;
export const eventFaceCropUrl = (eventId: number, faceIndex: number) =>
  `/api/events/${eventId}/faces/${faceIndex}.jpg`;

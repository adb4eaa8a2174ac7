import { AppError } from '../errors.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import {
  CandidatesPage,
  CandidatesQuery,
  EnrolBody,
  EventFaceParams,
  FaceIdParams,
  MergeBody,
  PeopleList,
  PersonSchema,
  PhotoQuery,
  RenameBody,
  SampleBody,
} from './faces.schemas.js';

/** An uploaded photo's most bytes (8 MiB): a phone's full-size JPEG fits. */
export const PHOTO_LIMIT_BYTES = 8 * 1024 * 1024;

/** The raw JPEG body; any other content type was parsed as something else and is refused. */
const photoBody = (body: unknown): Uint8Array => {
  if (!Buffer.isBuffer(body))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send the photo itself as the body, as image/jpeg.');
  if (body.length === 0) throw new AppError('BAD_IMAGE', 422, 'The photo is empty.');
  return body;
};

const jpegReply = { 'cache-control': 'private, max-age=3600', 'content-type': 'image/jpeg' };

/**
 * Faces: the people enrolled for recognition, the unknown faces seen in events (candidates), their crops, and
 * enrolment from an event's face or a photo (sent as the raw `image/jpeg` body, at most PHOTO_LIMIT_BYTES).
 */
export const facesRoutes: RoutePlugin = async (app, { services }) => {
  const { faces } = services;
  // Only this plugin's routes take a raw JPEG body; everywhere else JSON stays the only type.
  app.addContentTypeParser(
    'image/jpeg',
    { parseAs: 'buffer', bodyLimit: PHOTO_LIMIT_BYTES },
    (_r, body, done) => done(null, body),
  );
  const tags = ['faces'];

  app.get(
    '/api/faces',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Enrolled people by name, with their sample ids and how many events they were seen in',
        response: { 200: PeopleList, ...errorResponses(423) },
      },
    },
    async () => faces.list(),
  );

  app.get(
    '/api/faces/candidates',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Unknown faces from events, newest first; pass nextCursor as cursor for the next page',
        querystring: CandidatesQuery,
        response: { 200: CandidatesPage, ...errorResponses(423) },
      },
    },
    async (request) => {
      const { cursor, limit = 50 } = request.query;
      const [seenAt, id] = cursor ? cursor.split('.').map(Number) : [];
      const page = faces.candidates(
        seenAt !== undefined && id !== undefined ? { seenAt, id } : undefined,
        limit,
      );
      const last = page.at(-1);
      return {
        candidates: page,
        nextCursor: page.length === limit && last ? `${last.seenAt}.${last.id}` : null,
      };
    },
  );

  app.get(
    '/api/faces/samples/:id.jpg',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'A sample’s face crop (JPEG, at most 112 px a side)',
        params: FaceIdParams,
        produces: ['image/jpeg'],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) => reply.headers(jpegReply).send(await faces.sampleCrop(request.params.id)),
  );

  app.get(
    '/api/events/:id/faces/:index.jpg',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The crop of one face seen in an event (JPEG, at most 112 px a side)',
        params: EventFaceParams,
        produces: ['image/jpeg'],
        response: errorResponses(404, 423),
      },
    },
    async (request, reply) =>
      reply.headers(jpegReply).send(await faces.eventFaceCrop(request.params.id, request.params.index)),
  );

  app.post(
    '/api/faces',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Enrols a new person from a face seen in an event (“enrol as …”)',
        body: EnrolBody,
        response: { 201: PersonSchema, ...errorResponses(404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { name, eventId, faceIndex } = request.body;
      return reply.code(201).send(await faces.enrolFromEvent(name, eventId, faceIndex));
    },
  );

  app.post(
    '/api/faces/photo',
    {
      config: { access: 'editor' },
      bodyLimit: PHOTO_LIMIT_BYTES,
      schema: {
        tags,
        summary: 'Enrols a new person from a photo (raw image/jpeg body, ≤ 8 MiB); its largest face is used',
        querystring: PhotoQuery,
        consumes: ['image/jpeg'],
        response: { 201: PersonSchema, ...errorResponses(409, 413, 415, 422, 423, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await faces.enrolFromPhoto(request.query.name, photoBody(request.body))),
  );

  app.post(
    '/api/faces/:id/samples',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Adds an event’s face to a person (“this is …”)',
        params: FaceIdParams,
        body: SampleBody,
        response: { 200: PersonSchema, ...errorResponses(404, 409, 423) },
      },
    },
    async (request) =>
      faces.addSampleFromEvent(request.params.id, request.body.eventId, request.body.faceIndex),
  );

  app.post(
    '/api/faces/:id/photo',
    {
      config: { access: 'editor' },
      bodyLimit: PHOTO_LIMIT_BYTES,
      schema: {
        tags,
        summary: 'Adds a photo’s largest face to a person (raw image/jpeg body, ≤ 8 MiB)',
        params: FaceIdParams,
        consumes: ['image/jpeg'],
        response: { 200: PersonSchema, ...errorResponses(404, 409, 413, 415, 422, 423, 503) },
      },
    },
    async (request) => faces.addSampleFromPhoto(request.params.id, photoBody(request.body)),
  );

  app.patch(
    '/api/faces/:id',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Renames a person',
        params: FaceIdParams,
        body: RenameBody,
        response: { 200: PersonSchema, ...errorResponses(404, 409, 423) },
      },
    },
    async (request) => faces.rename(request.params.id, request.body.name),
  );

  app.post(
    '/api/faces/:id/merge',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Moves a person’s samples and event faces to another and deletes them',
        params: FaceIdParams,
        body: MergeBody,
        response: { 200: PersonSchema, ...errorResponses(404, 423) },
      },
    },
    async (request) => faces.merge(request.params.id, request.body.into),
  );

  app.delete(
    '/api/faces/:id',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Deletes a person and their samples; their faces in events become unknown again',
        params: FaceIdParams,
        response: { 204: NoContent, ...errorResponses(404, 423) },
      },
    },
    async (request, reply) => {
      await faces.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/faces/samples/:id',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Deletes one sample and its crop',
        params: FaceIdParams,
        response: { 204: NoContent, ...errorResponses(404, 423) },
      },
    },
    async (request, reply) => {
      await faces.removeSample(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

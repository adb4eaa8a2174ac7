import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireUser } from '../http/access.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import {
  CameraCreateBody,
  CameraIdParams,
  CameraPatchBody,
  CameraProbeBody,
  CameraSchema,
  ProbeResultSchema,
} from './cameras.schemas.js';

export const camerasRoutes: RoutePlugin = async (app, { services }) => {
  const { cameras } = services;
  const actor = (request: FastifyRequest) => ({ user: requireUser(request), ip: request.ip });

  app.get(
    '/api/cameras',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: 'Every camera with its live state',
        response: { 200: Type.Array(CameraSchema), ...errorResponses() },
      },
    },
    () => cameras.list(),
  );

  app.get(
    '/api/cameras/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: 'One camera',
        params: CameraIdParams,
        response: { 200: CameraSchema, ...errorResponses(404) },
      },
    },
    (request) => cameras.get(request.params.id),
  );

  app.post(
    '/api/cameras',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Add a camera',
        body: CameraCreateBody,
        response: { 201: CameraSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => reply.code(201).send(await cameras.create(actor(request), request.body)),
  );

  app.patch(
    '/api/cameras/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Change a camera (a source change restarts it)',
        params: CameraIdParams,
        body: CameraPatchBody,
        response: { 200: CameraSchema, ...errorResponses(404) },
      },
    },
    (request) => cameras.update(actor(request), request.params.id, request.body),
  );

  app.delete(
    '/api/cameras/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Remove a camera',
        params: CameraIdParams,
        response: { 204: NoContent, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await cameras.remove(actor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/cameras/probe',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Try a source for up to 10 s',
        description:
          'Errors: AUTH_FAILED, UNREACHABLE, NO_VIDEO, UNSUPPORTED_CODEC (422), NOT_FOUND (404), INVALID_SOURCE (400).',
        body: CameraProbeBody,
        response: { 200: ProbeResultSchema, ...errorResponses(404, 422) },
      },
    },
    (request) => cameras.probe(request.body),
  );

  app.post(
    '/api/cameras/:id/probe',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['cameras'],
        summary: 'Try a saved camera with its stored credentials for up to 10 s',
        description:
          'The same answers as POST /api/cameras/probe: AUTH_FAILED, UNREACHABLE, NO_VIDEO, UNSUPPORTED_CODEC (422), NOT_FOUND (404).',
        params: CameraIdParams,
        response: { 200: ProbeResultSchema, ...errorResponses(404, 422) },
      },
    },
    (request) => cameras.probeSaved(request.params.id),
  );
};

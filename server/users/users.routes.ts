import { Type } from 'typebox';
import { clientMeta } from '../http/client-meta.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import { requireUser } from '../http/access.js';
import type { RoutePlugin } from '../http/types.js';
import { CreateUserBody, UpdateUserBody, UserSchema } from './users.schemas.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const usersRoutes: RoutePlugin = async (app, { services }) => {
  const { users } = services;

  app.get(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'All users',
        response: { 200: Type.Array(UserSchema), ...errorResponses() },
      },
    },
    () => users.list(),
  );

  app.post(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: CreateUserBody,
        response: { 201: UserSchema, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const user = await users.create(
        { user: requireUser(request), ip: clientMeta(request).ip },
        request.body,
      );
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Change role, reset password, disable or enable',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...errorResponses(404, 409) },
      },
    },
    (request) =>
      users.update(
        { user: requireUser(request), ip: clientMeta(request).ip },
        request.params.id,
        request.body,
      ),
  );

  app.delete(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Delete a user (never the last admin)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await users.remove({ user: requireUser(request), ip: clientMeta(request).ip }, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

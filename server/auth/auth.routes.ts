import { clientMeta } from '../http/client-meta.js';
import { clearSessionCookie, setSessionCookie } from '../http/cookies.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import { requireUser } from '../http/access.js';
import type { RoutePlugin } from '../http/types.js';
import { MeSchema } from '../users/users.schemas.js';
import { ChangePasswordBody, LoginBody } from './auth.schemas.js';

export const authRoutes: RoutePlugin = async (app, { services }) => {
  const { auth } = services;

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: LoginBody,
        response: { 200: MeSchema, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const result = await auth.login(username, password, clientMeta(request));
      setSessionCookie(request, reply, result.token, result.expiresAt);
      return { id: result.user.id, username: result.user.username, role: result.user.role };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: NoContent, ...errorResponses() },
      },
    },
    async (request, reply) => {
      if (request.user) await auth.logout(request.user, clientMeta(request));
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in',
        response: { 200: MeSchema, ...errorResponses() },
      },
    },
    async (request) => auth.me(requireUser(request)),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; ends all your sessions and starts a new one here',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      const session = await auth.changePassword(
        requireUser(request),
        currentPassword,
        newPassword,
        clientMeta(request),
      );
      setSessionCookie(request, reply, session.token, session.expiresAt);
      return reply.code(204).send(null);
    },
  );
};

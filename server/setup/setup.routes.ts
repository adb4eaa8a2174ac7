import { SetupBody } from '../auth/auth.schemas.js';
import { clientMeta, isDirectLoopback } from '../http/client-meta.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { UserSchema } from '../users/users.schemas.js';

export const setupRoutes: RoutePlugin = async (app, { services }) => {
  app.post(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin (only while no user exists)',
        description:
          'Accepted from the machine itself, or from elsewhere with the one-time token from the console.',
        body: SetupBody,
        response: { 201: UserSchema, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const user = await services.setup.createFirstAdmin({
        ...request.body,
        fromLoopback: isDirectLoopback(request),
        ip: clientMeta(request).ip,
      });
      return reply.code(201).send(user);
    },
  );
};

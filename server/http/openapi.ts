import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { markRoutesPublic } from './access.js';

/** The OpenAPI document at /api/openapi.json and a browsable docs page at /api/docs, both public. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version,
        description:
          'Errors are `{ code, message }` with the HTTP status. Sessions are HttpOnly cookies; ' +
          'state-changing requests from a browser must be same-origin.\n\n' +
          'WebSocket `GET /api/ws` (upgrade; session cookie; same origin): JSON messages with a `type`. ' +
          'The server sends `hello` on connect, `pong` for `ping {id}`, `error {code, message}`, `event {topic, data}` ' +
          'and `session.revoked` before closing with code 4001 (4002 after a role change).',
      },
      tags: [
        { name: 'auth', description: 'Sign-in, sessions, first-run setup' },
        { name: 'users', description: 'Accounts and roles (admin)' },
        { name: 'cameras', description: 'Cameras, probe, stills and live view' },
        { name: 'system', description: 'Health, audit log, WebSocket' },
      ],
    },
  });
  await app.register(async (docs) => {
    markRoutesPublic(docs);
    await docs.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
    docs.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  });
}

import { SESSION_COOKIE } from '../http/cookies.js';
import { requireUser } from '../http/access.js';
import type { RoutePlugin } from '../http/types.js';
import { CLOSE_SESSION_ENDED, PingMessage } from './protocol.js';

export const wsRoutes: RoutePlugin = async (app, { services }) => {
  const { hub, sessions } = services;

  // A ping re-checks the session (and keeps it alive), so a revoked or expired session loses its socket too.
  hub.handle('ping', PingMessage, async (client, message) => {
    const current = await sessions.resolve(client.token);
    if (current === null) {
      client.send({ type: 'session.revoked' });
      client.close(CLOSE_SESSION_ENDED, 'session ended');
      return;
    }
    client.send({ type: 'pong', id: message.id });
  });

  app.get(
    '/api/ws',
    {
      websocket: true,
      config: { access: 'viewer' },
      schema: {
        tags: ['system'],
        summary: 'The WebSocket: live signalling and pushes (upgrade only; session cookie, same origin)',
      },
    },
    (socket, request) => {
      // onRequest already checked the Host, the Origin and the session before the upgrade was accepted.
      hub.attach(socket, requireUser(request), request.cookies[SESSION_COOKIE] ?? '');
    },
  );
};

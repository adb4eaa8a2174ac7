import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { WebSocket } from '@fastify/websocket';
import type { RawData } from 'ws';
import type { SessionUser } from '../auth/sessions.service.js';
import type { Role } from '../db/schema.js';
import { CLOSE_ROLE_CHANGED, CLOSE_SESSION_ENDED, type ServerMessage } from './protocol.js';

const rawText = (data: RawData): string =>
  Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(new Uint8Array(data)).toString('utf8');

/** One open socket and who is behind it. */
export interface WsClient {
  readonly user: SessionUser;
  /** The session cookie value, kept to re-check the session on pings. */
  readonly token: string;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

type Handler<T extends TSchema> = (client: WsClient, message: Static<T>) => void | Promise<void>;
interface Route {
  check: (value: unknown) => boolean;
  handler: (client: WsClient, message: unknown) => void | Promise<void>;
}

/**
 * All open /api/ws sockets. Features register typed handlers for client messages (each validated against
 * its schema) and push to one user, one role or everyone.
 */
export function createWsHub(log: FastifyBaseLogger) {
  const clients = new Set<WsClient>();
  const routes = new Map<string, Route>();
  const disconnectListeners = new Set<(client: WsClient) => void>();

  const dispatch = async (client: WsClient, raw: string) => {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      client.send({ type: 'error', code: 'INVALID_MESSAGE', message: 'Messages are JSON objects.' });
      return;
    }
    const type =
      typeof message === 'object' && message !== null && 'type' in message ? message.type : undefined;
    const route = typeof type === 'string' ? routes.get(type) : undefined;
    if (!route) {
      client.send({ type: 'error', code: 'UNKNOWN_MESSAGE', message: `Unknown message type.` });
      return;
    }
    if (!route.check(message)) {
      client.send({ type: 'error', code: 'INVALID_MESSAGE', message: `Invalid "${String(type)}" message.` });
      return;
    }
    await route.handler(client, message);
  };

  const sendWhere = (predicate: (client: WsClient) => boolean, message: ServerMessage) => {
    for (const client of clients) if (predicate(client)) client.send(message);
  };

  return {
    handle<T extends TSchema>(type: string, schema: T, handler: Handler<T>): void {
      const validator = Compile(schema);
      routes.set(type, {
        check: (value) => validator.Check(value),
        handler: handler as Route['handler'],
      });
    },

    /** Called once per socket when it closes, whatever closed it (features free what the socket held). */
    onDisconnect(listener: (client: WsClient) => void): void {
      disconnectListeners.add(listener);
    },

    attach(socket: WebSocket, user: SessionUser, token: string): WsClient {
      const client: WsClient = {
        user,
        token,
        send: (message) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
        close: (code, reason) => {
          socket.close(code, reason);
        },
      };
      clients.add(client);
      socket.on('close', () => {
        clients.delete(client);
        for (const listener of disconnectListeners) listener(client);
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          client.send({
            type: 'error',
            code: 'INVALID_MESSAGE',
            message: 'Binary messages are not accepted.',
          });
          return;
        }
        dispatch(client, rawText(data)).catch((error: unknown) => {
          log.error({ err: error, user: user.username }, 'websocket handler failed');
          client.send({
            type: 'error',
            code: 'INTERNAL',
            message: 'The server could not handle that message.',
          });
        });
      });
      client.send({ type: 'hello', user: { id: user.userId, username: user.username, role: user.role } });
      return client;
    },

    sendToUser: (userId: number, message: ServerMessage) => {
      sendWhere((c) => c.user.userId === userId, message);
    },
    sendToRole: (role: Role, message: ServerMessage) => {
      sendWhere((c) => c.user.role === role, message);
    },
    broadcast: (message: ServerMessage) => {
      sendWhere(() => true, message);
    },

    /** Ends the sockets of sessions that no longer exist. */
    closeSessions: (sessionIds: readonly string[]) => {
      const ended = new Set(sessionIds);
      for (const client of clients) {
        if (!ended.has(client.user.sessionId)) continue;
        client.send({ type: 'session.revoked' });
        client.close(CLOSE_SESSION_ENDED, 'session ended');
      }
    },

    /** Closes a user's sockets after a role change so they reconnect with the new role. */
    closeUser: (userId: number) => {
      for (const client of clients)
        if (client.user.userId === userId) client.close(CLOSE_ROLE_CHANGED, 'role changed');
    },

    closeAll: () => {
      for (const client of clients) client.close(1001, 'server shutting down');
    },

    get size(): number {
      return clients.size;
    },
  };
}
export type WsHub = ReturnType<typeof createWsHub>;

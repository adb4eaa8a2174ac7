import { Type } from 'typebox';
import type { Role } from '../db/schema.js';

/** Close code: the session behind this socket ended (logout, password change, user removed, expiry). */
export const CLOSE_SESSION_ENDED = 4001;
/** Close code: the user's role changed; reconnect to get the new one. */
export const CLOSE_ROLE_CHANGED = 4002;
/** Largest client message accepted, in bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/** Everything the server sends on /api/ws. Features add variants here as they land. */
export type ServerMessage =
  | { type: 'hello'; user: { id: number; username: string; role: Role } }
  | { type: 'pong'; id: string }
  | { type: 'error'; code: string; message: string; id?: string }
  | { type: 'session.revoked' }
  | { type: 'event'; topic: string; data: unknown };

/** Client → server: keeps the session alive and measures round trips. */
export const PingMessage = Type.Object(
  { type: Type.Literal('ping'), id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

// Pure pieces of the /api/ws client: where to connect, how long to wait, and how to read a message.
import type { LiveServerMessage } from '../api/types';
import { isRole } from './roles';

/** First reconnect delay, in milliseconds; doubles per failed attempt. */
export const RECONNECT_BASE_MS = 1_000;
/** Longest reconnect delay, in milliseconds. */
export const RECONNECT_MAX_MS = 30_000;
/** Close code: the session behind the socket ended (logout, password change, user disabled or removed). */
export const CLOSE_SESSION_REVOKED = 4001;
/** Close code: the user's role changed; reconnecting gets a `hello` with the new role. */
export const CLOSE_ROLE_CHANGED = 4002;

/** The socket URL for the page's origin: wss: under https:, ws: otherwise. */
export function liveSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

/** Delay before reconnect attempt number `attempt` (0-based): 1 s, 2 s, 4 s, … capped at 30 s. */
export function reconnectDelayMs(attempt: number): number {
  // Clamp the exponent so a long outage cannot overflow to Infinity.
  return Math.min(RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16), RECONNECT_MAX_MS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Parses a text frame; null for anything that is not a message this client understands. */
export function parseServerMessage(data: unknown): LiveServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    // A malformed frame is dropped like an unknown one; the connection itself is still fine.
    return null;
  }
  if (!isRecord(value)) return null;
  switch (value['type']) {
    case 'hello': {
      const user = value['user'];
      if (
        isRecord(user) &&
        typeof user['id'] === 'number' &&
        typeof user['username'] === 'string' &&
        isRole(user['role'])
      ) {
        return { type: 'hello', user: { id: user['id'], username: user['username'], role: user['role'] } };
      }
      return null;
    }
    case 'pong':
      return typeof value['id'] === 'string' ? { type: 'pong', id: value['id'] } : null;
    case 'session.revoked':
      return { type: 'session.revoked' };
    default:
      return null;
  }
}

// Pure pieces of the /api/ws client: where to connect, how long to wait, and how to read a message.
import type { LiveIceCandidate, LiveServerMessage, LiveSessionEndReason } from '../api/types';
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

const isString = (value: unknown): value is string => typeof value === 'string';

const END_REASONS: readonly LiveSessionEndReason[] = [
  'stopped',
  'camera-removed',
  'sfu-restarted',
  'hangup',
  'error',
];

function readJsep(value: unknown): { type: 'offer' | 'answer'; sdp: string } | null {
  if (!isRecord(value) || !isString(value['sdp'])) return null;
  const type = value['type'];
  return type === 'offer' || type === 'answer' ? { type, sdp: value['sdp'] } : null;
}

function readIceServers(value: unknown): { urls: string[]; username?: string; credential?: string }[] | null {
  if (!Array.isArray(value)) return null;
  const servers: { urls: string[]; username?: string; credential?: string }[] = [];
  for (const entry of value as unknown[]) {
    if (!isRecord(entry)) return null;
    const urls = entry['urls'];
    const list = isString(urls) ? [urls] : Array.isArray(urls) ? (urls as unknown[]) : null;
    if (list === null || !list.every(isString)) return null;
    const server: { urls: string[]; username?: string; credential?: string } = { urls: list };
    if (isString(entry['username'])) server.username = entry['username'];
    if (isString(entry['credential'])) server.credential = entry['credential'];
    servers.push(server);
  }
  return servers;
}

/** A trickled candidate, null for end-of-candidates, or undefined when the value is not a candidate. */
function readCandidate(value: unknown): LiveIceCandidate | null | undefined {
  if (value === null) return null;
  if (!isRecord(value) || !isString(value['candidate'])) return undefined;
  const candidate: LiveIceCandidate = { candidate: value['candidate'] };
  const mid = value['sdpMid'];
  const index = value['sdpMLineIndex'];
  if (isString(mid) || mid === null) candidate.sdpMid = mid;
  if (typeof index === 'number' || index === null) candidate.sdpMLineIndex = index;
  return candidate;
}

function readEndReason(value: unknown): LiveSessionEndReason {
  // A reason newer than this client is treated as an error: the viewer retries with back-off either way.
  return END_REASONS.find((reason) => reason === value) ?? 'error';
}

function parseLiveMessage(value: Record<string, unknown>): LiveServerMessage | null {
  const sessionId = value['sessionId'];
  if (!isString(sessionId)) return null;
  switch (value['type']) {
    case 'live.offer': {
      const id = value['id'];
      const cameraId = value['cameraId'];
      const jsep = readJsep(value['jsep']);
      const iceServers = readIceServers(value['iceServers'] ?? []);
      if (!isString(id) || typeof cameraId !== 'number' || jsep === null || iceServers === null) return null;
      return { type: 'live.offer', id, sessionId, cameraId, jsep, iceServers };
    }
    case 'live.candidate': {
      const candidate = readCandidate(value['candidate']);
      return candidate === undefined ? null : { type: 'live.candidate', sessionId, candidate };
    }
    case 'live.started':
      return { type: 'live.started', sessionId };
    case 'live.ended': {
      const message = value['message'];
      const reason = readEndReason(value['reason']);
      return isString(message)
        ? { type: 'live.ended', sessionId, reason, message }
        : { type: 'live.ended', sessionId, reason };
    }
    default:
      return null;
  }
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
    case 'error': {
      const { code, message, id } = value;
      if (!isString(code) || !isString(message)) return null;
      return isString(id) ? { type: 'error', code, message, id } : { type: 'error', code, message };
    }
    case 'event':
      return isString(value['topic']) ? { type: 'event', topic: value['topic'], data: value['data'] } : null;
    case 'live.offer':
    case 'live.candidate':
    case 'live.started':
    case 'live.ended':
      return parseLiveMessage(value);
    default:
      return null;
  }
}

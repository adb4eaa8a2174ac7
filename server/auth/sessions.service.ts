import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../db/schema.js';
import type { SessionsRepository, SessionWithUser } from './sessions.repository.js';

/** Who is behind a request, as resolved from its session cookie. */
export interface SessionUser {
  /** SHA-256 of the cookie value: the session's identity everywhere inside the server. */
  sessionId: string;
  userId: number;
  username: string;
  role: Role;
  expiresAt: number;
}

/** last_seen_at is written at most this often, so reads do not turn into writes. */
export const TOUCH_INTERVAL_MS = 60_000;
/** How long a session read from the database is reused, and how many are kept. */
const SESSION_CACHE_MS = 1_000;
const SESSION_CACHE_MAX = 10_000;

export const hashSessionToken = (token: string): string => createHash('sha256').update(token).digest('hex');

type RevokedListener = (sessionIds: readonly string[]) => void;

export function createSessionsService(deps: {
  repo: SessionsRepository;
  now: () => number;
  idleMs: number;
  absoluteMs: number;
}) {
  const { repo, now, idleMs, absoluteMs } = deps;
  const listeners = new Set<RevokedListener>();
  /**
   * Sessions read in the last second, so a burst of requests (a busy listing, a page's assets) does not hit
   * SQLite for every one (a third of an authenticated request's CPU in bench:files). Every revocation and
   * every change to a user goes through this service and drops the entries at once, so the cache can only
   * ever be behind by a change made outside Vigil.
   */
  const cache = new Map<string, { at: number; row: SessionWithUser }>();
  const announce = (ids: readonly string[]) => {
    for (const id of ids) cache.delete(id);
    if (ids.length > 0) for (const listener of listeners) listener(ids);
  };

  return {
    /** Makes a session; the returned token goes in the cookie and is never stored. */
    create: async (userId: number, meta: { ip: string | null; userAgent: string | null }) => {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const expiresAt = at + absoluteMs;
      await repo.insert({
        id_hash: hashSessionToken(token),
        user_id: userId,
        created_at: at,
        last_seen_at: at,
        expires_at: expiresAt,
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      });
      return { token, expiresAt };
    },

    /** The live session behind a cookie value, or null. Expired sessions are removed on sight. */
    resolve: async (token: string): Promise<SessionUser | null> => {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const idHash = hashSessionToken(token);
      const at = now();
      const cached = cache.get(idHash);
      let row = cached !== undefined && at - cached.at < SESSION_CACHE_MS ? cached.row : undefined;
      if (row === undefined) {
        row = await repo.findWithUser(idHash);
        if (!row) return null;
        if (cache.size >= SESSION_CACHE_MAX) cache.clear();
        cache.set(idHash, { at, row });
      }
      if (row.expires_at <= at || row.last_seen_at + idleMs <= at || row.disabled === 1) {
        cache.delete(idHash);
        await repo.delete(idHash);
        announce([idHash]);
        return null;
      }
      if (at - row.last_seen_at >= TOUCH_INTERVAL_MS) {
        await repo.touch(idHash, at);
        row.last_seen_at = at;
      }
      return {
        sessionId: idHash,
        userId: row.user_id,
        username: row.username,
        role: row.role,
        expiresAt: row.expires_at,
      };
    },

    revoke: async (sessionId: string): Promise<void> => {
      await repo.delete(sessionId);
      announce([sessionId]);
    },

    revokeUser: async (userId: number): Promise<void> => {
      announce(await repo.deleteForUser(userId));
    },

    /** Forgets what was read about a user's sessions (their role or state changed). */
    forgetUser: (userId: number): void => {
      for (const [id, entry] of cache) if (entry.row.user_id === userId) cache.delete(id);
    },

    /** Sessions deleted by a cascade (user deleted) are announced by the caller with these ids. */
    announceRevoked: announce,

    sweepExpired: async (): Promise<void> => {
      announce(await repo.deleteExpired(now(), idleMs));
    },

    onRevoked: (listener: RevokedListener): (() => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type SessionsService = ReturnType<typeof createSessionsService>;

import type { Kysely, Selectable } from 'kysely';
import type { Database, Role, SessionsTable } from '../db/schema.js';

export type SessionRow = Selectable<SessionsTable>;
export interface SessionWithUser extends SessionRow {
  username: string;
  role: Role;
  disabled: number;
}

export function createSessionsRepository(db: Kysely<Database>) {
  return {
    insert: (row: SessionRow) => db.insertInto('sessions').values(row).execute(),
    /** The session and its user in one read: requests never write unless last_seen is over a minute old. */
    findWithUser: (idHash: string): Promise<SessionWithUser | undefined> =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('sessions')
        .select(['users.username', 'users.role', 'users.disabled'])
        .where('sessions.id_hash', '=', idHash)
        .executeTakeFirst(),
    touch: (idHash: string, at: number) =>
      db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute(),
    delete: (idHash: string) => db.deleteFrom('sessions').where('id_hash', '=', idHash).execute(),
    /** Deletes a user's sessions and returns the hashes that were removed. */
    deleteForUser: async (userId: number): Promise<string[]> => {
      const rows = await db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .returning('id_hash')
        .execute();
      return rows.map((r) => r.id_hash);
    },
    deleteExpired: async (now: number, idleMs: number): Promise<string[]> => {
      const rows = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
        .returning('id_hash')
        .execute();
      return rows.map((r) => r.id_hash);
    },
  };
}
export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

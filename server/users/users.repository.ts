import type { Kysely, Selectable } from 'kysely';
import type { Database, Role, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

/** The users table. Plain data in, plain rows out; rules live in the service. */
export function createUsersRepository(db: Kysely<Database>) {
  return {
    count: async (): Promise<number> => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return row.n;
    },
    list: (): Promise<UserRow[]> => db.selectFrom('users').selectAll().orderBy('username').execute(),
    findById: (id: number): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    findByUsername: (username: string): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst(),
    insert: async (user: {
      username: string;
      passwordHash: string;
      role: Role;
      now: string;
    }): Promise<UserRow> =>
      db
        .insertInto('users')
        .values({
          username: user.username,
          password_hash: user.passwordHash,
          role: user.role,
          disabled: 0,
          created_at: user.now,
          updated_at: user.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    update: async (
      id: number,
      changes: { role?: Role; passwordHash?: string; disabled?: boolean; lastLoginAt?: string },
      now: string,
    ): Promise<UserRow | undefined> =>
      db
        .updateTable('users')
        .set({
          updated_at: now,
          ...(changes.role === undefined ? {} : { role: changes.role }),
          ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
          ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
          ...(changes.lastLoginAt === undefined ? {} : { last_login_at: changes.lastLoginAt }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    delete: async (id: number): Promise<boolean> => {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    /** Admins who can still sign in: the ones the "last admin" rule protects. */
    countActiveAdmins: async (): Promise<number> => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .executeTakeFirstOrThrow();
      return row.n;
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;

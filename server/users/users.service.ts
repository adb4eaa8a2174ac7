import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import { assertPasswordAcceptable, assertUsernameAcceptable } from '../auth/password-policy.js';
import { createSessionsRepository } from '../auth/sessions.repository.js';
import type { SessionsService, SessionUser } from '../auth/sessions.service.js';
import type { Database, Role } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { createUsersRepository, type UserRow } from './users.repository.js';

/** A user as the API shows it: never the hash. */
export interface UserView {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  username: row.username,
  role: row.role,
  disabled: row.disabled === 1,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
});

const lastAdmin = () =>
  new AppError(
    'LAST_ADMIN',
    409,
    'The last admin cannot be removed, demoted or disabled. Make another admin first.',
  );
export const usernameTaken = () => new AppError('USERNAME_TAKEN', 409, 'That user name is already taken.');

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

/** Who did it and from where, for the audit log. */
export interface Actor {
  user: SessionUser;
  ip: string;
}

export function createUsersService(deps: {
  db: Kysely<Database>;
  hasher: PasswordHasher;
  sessions: SessionsService;
  audit: AuditRepository;
  now: () => Date;
  /** Called after a role change, so open sockets can be closed and reopened with the new role. */
  onRoleChanged: (userId: number) => void;
}) {
  const { db, hasher, sessions, audit, now, onRoleChanged } = deps;
  const users = createUsersRepository(db);
  const record = (actor: Actor, action: string, detail: string) =>
    audit.record({ action, userId: actor.user.userId, username: actor.user.username, ip: actor.ip, detail });

  return {
    list: async (): Promise<UserView[]> => (await users.list()).map(toUserView),

    create: async (
      actor: Actor,
      input: { username: string; password: string; role: Role },
    ): Promise<UserView> => {
      assertUsernameAcceptable(input.username);
      assertPasswordAcceptable(input.password, input.username);
      if (await users.findByUsername(input.username)) throw usernameTaken();
      const passwordHash = await hasher.hash(input.password);
      try {
        const row = await users.insert({ ...input, passwordHash, now: now().toISOString() });
        await record(actor, 'user.created', `${row.username} (${row.role})`);
        return toUserView(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw usernameTaken();
        throw error;
      }
    },

    update: async (
      actor: Actor,
      id: number,
      changes: { role?: Role; password?: string; disabled?: boolean },
    ): Promise<UserView> => {
      const existing = await users.findById(id);
      if (!existing) throw notFound('User');
      if (changes.password !== undefined) assertPasswordAcceptable(changes.password, existing.username);
      const passwordHash = changes.password === undefined ? undefined : await hasher.hash(changes.password);
      // The last-admin check and the write happen in one transaction, so two admins demoting each other at once
      // cannot leave the box with none.
      const updated = await db.transaction().execute(async (trx) => {
        const repo = createUsersRepository(trx);
        const current = await repo.findById(id);
        if (!current) throw notFound('User');
        const losesAdmin =
          current.role === 'admin' &&
          current.disabled === 0 &&
          ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
        if (losesAdmin && (await repo.countActiveAdmins()) <= 1) throw lastAdmin();
        return repo.update(
          id,
          {
            ...(changes.role === undefined ? {} : { role: changes.role }),
            ...(passwordHash === undefined ? {} : { passwordHash }),
            ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
          },
          now().toISOString(),
        );
      });
      if (!updated) throw notFound('User');
      sessions.forgetUser(id);
      // A new password or a disabled account ends every session; a role change takes effect on the next
      // request (roles are read per request), and open sockets are closed so they reconnect with the new role.
      if (passwordHash !== undefined || changes.disabled === true) await sessions.revokeUser(id);
      else if (changes.role !== undefined && changes.role !== existing.role) onRoleChanged(id);
      const what = [
        changes.role === undefined ? '' : `role=${changes.role}`,
        passwordHash === undefined ? '' : 'password reset',
        changes.disabled === undefined ? '' : changes.disabled ? 'disabled' : 'enabled',
      ].filter(Boolean);
      await record(actor, 'user.updated', `${updated.username}: ${what.join(', ') || 'no change'}`);
      return toUserView(updated);
    },

    remove: async (actor: Actor, id: number): Promise<void> => {
      const removed = await db.transaction().execute(async (trx) => {
        const repo = createUsersRepository(trx);
        const current = await repo.findById(id);
        if (!current) throw notFound('User');
        if (current.role === 'admin' && current.disabled === 0 && (await repo.countActiveAdmins()) <= 1) {
          throw lastAdmin();
        }
        const sessionIds = await createSessionsRepository(trx).deleteForUser(id);
        await repo.delete(id);
        return { username: current.username, sessionIds };
      });
      sessions.announceRevoked(removed.sessionIds);
      await record(actor, 'user.deleted', removed.username);
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;

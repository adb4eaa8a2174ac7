import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import { assertPasswordAcceptable, assertUsernameAcceptable } from '../auth/password-policy.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import { createUsersRepository } from '../users/users.repository.js';
import { toUserView, type UserView } from '../users/users.service.js';

const setupDone = () =>
  new AppError('SETUP_ALREADY_DONE', 409, 'Vigil already has an admin. Sign in instead.');
const tokenRequired = () =>
  new AppError(
    'SETUP_TOKEN_REQUIRED',
    403,
    'From another machine, open the setup link printed in the server console (it carries a one-time token).',
  );

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * First-run: the first admin may be created from the machine itself, or from anywhere with the one-time token
 * printed at start, so nobody else on the LAN can claim a fresh box. The token lives in memory only.
 */
export function createSetupService(deps: {
  db: Kysely<Database>;
  hasher: PasswordHasher;
  audit: AuditRepository;
  now: () => Date;
}) {
  const { db, hasher, audit, now } = deps;
  const token = randomBytes(24).toString('base64url');
  let done: boolean | undefined;

  const isRequired = async (): Promise<boolean> => {
    // Once an admin exists setup never comes back (the last admin cannot be deleted), so cache "done".
    if (done === true) return false;
    done = (await createUsersRepository(db).count()) > 0;
    return !done;
  };

  return {
    token,
    isRequired,
    createFirstAdmin: async (input: {
      username: string;
      password: string;
      token?: string;
      fromLoopback: boolean;
      ip: string;
    }): Promise<UserView> => {
      if (!(await isRequired())) throw setupDone();
      if (!input.fromLoopback && (input.token === undefined || !sameSecret(input.token, token))) {
        throw tokenRequired();
      }
      assertUsernameAcceptable(input.username);
      assertPasswordAcceptable(input.password, input.username);
      const passwordHash = await hasher.hash(input.password);
      const row = await db.transaction().execute(async (trx) => {
        const users = createUsersRepository(trx);
        if ((await users.count()) > 0) throw setupDone();
        return users.insert({
          username: input.username,
          passwordHash,
          role: 'admin',
          now: now().toISOString(),
        });
      });
      done = true;
      await audit.record({
        action: 'setup.admin_created',
        userId: row.id,
        username: row.username,
        ip: input.ip,
      });
      return toUserView(row);
    },
  };
}
export type SetupService = ReturnType<typeof createSetupService>;

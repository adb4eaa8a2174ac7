import type { AuditRepository } from '../audit/audit.repository.js';
import { AppError, invalidCredentials, tooManyAttempts } from '../errors.js';
import type { UsersRepository } from '../users/users.repository.js';
import { toUserView, type UserView } from '../users/users.service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordAcceptable } from './password-policy.js';
import type { SessionsService, SessionUser } from './sessions.service.js';

export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}

const wrongPassword = () => new AppError('WRONG_PASSWORD', 403, 'Your password is wrong.');
/** Names typed at the login form go to the audit log; keep them short and printable. */
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);

export function createAuthService(deps: {
  users: UsersRepository;
  sessions: SessionsService;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  audit: AuditRepository;
  now: () => Date;
}) {
  const { users, sessions, hasher, throttle, audit, now } = deps;

  /** Checks a password; unknown and disabled users cost the same time as a wrong password. */
  const checkPassword = async (username: string, password: string) => {
    const user = await users.findByUsername(username);
    if (!user) return hasher.verifyDummy(password);
    const ok = await hasher.verify(user.password_hash, password);
    return ok && user.disabled === 0 ? user : false;
  };

  const refuseIfThrottled = (account: string, ip: string) => {
    const verdict = throttle.check(account, ip, now().getTime());
    if (!verdict.allowed) throw tooManyAttempts(verdict.retryAfterSeconds);
  };

  const recordFailure = async (account: string, ip: string, action: string, userId: number | null) => {
    const locked = throttle.recordFailure(account, ip, now().getTime());
    await audit.record({ action, userId, username: printable(account), ip });
    if (locked) await audit.record({ action: 'auth.lockout', userId, username: printable(account), ip });
  };

  return {
    login: async (username: string, password: string, client: ClientMeta) => {
      refuseIfThrottled(username, client.ip);
      const user = await checkPassword(username, password);
      if (user === false) {
        await recordFailure(username, client.ip, 'auth.login_failed', null);
        throw invalidCredentials();
      }
      throttle.recordSuccess(username, client.ip);
      const at = now().toISOString();
      // Hashes made with older, weaker settings are upgraded while we have the password in hand.
      const passwordHash = hasher.needsRehash(user.password_hash) ? await hasher.hash(password) : undefined;
      const row = await users.update(
        user.id,
        { lastLoginAt: at, ...(passwordHash ? { passwordHash } : {}) },
        at,
      );
      const session = await sessions.create(user.id, client);
      await audit.record({ action: 'auth.login', userId: user.id, username: user.username, ip: client.ip });
      return { user: toUserView(row ?? user), ...session };
    },

    logout: async (current: SessionUser, client: ClientMeta): Promise<void> => {
      await sessions.revoke(current.sessionId);
      await audit.record({
        action: 'auth.logout',
        userId: current.userId,
        username: current.username,
        ip: client.ip,
      });
    },

    /**
     * Asks a signed-in user for their password again before something grave (vault format, header backup):
     * throttled and audited like a sign-in, WRONG_PASSWORD (403) when it does not match.
     */
    reauthenticate: async (current: SessionUser, password: string, client: ClientMeta, action: string) => {
      refuseIfThrottled(current.username, client.ip);
      const user = await users.findById(current.userId);
      if (!user || !(await hasher.verify(user.password_hash, password))) {
        await recordFailure(current.username, client.ip, `${action}_reauth_failed`, current.userId);
        throw wrongPassword();
      }
    },

    /** Changes one's own password; every session of the user ends and a fresh one is returned. */
    changePassword: async (
      current: SessionUser,
      oldPassword: string,
      newPassword: string,
      client: ClientMeta,
    ) => {
      refuseIfThrottled(current.username, client.ip);
      const user = await users.findById(current.userId);
      if (!user || !(await hasher.verify(user.password_hash, oldPassword))) {
        await recordFailure(current.username, client.ip, 'auth.password_change_failed', current.userId);
        throw wrongPassword();
      }
      assertPasswordAcceptable(newPassword, user.username);
      const passwordHash = await hasher.hash(newPassword);
      await users.update(user.id, { passwordHash }, now().toISOString());
      await sessions.revokeUser(user.id);
      await audit.record({
        action: 'auth.password_changed',
        userId: user.id,
        username: user.username,
        ip: client.ip,
      });
      return sessions.create(user.id, client);
    },

    me: (current: SessionUser): Pick<UserView, 'id' | 'username' | 'role'> => ({
      id: current.userId,
      username: current.username,
      role: current.role,
    }),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

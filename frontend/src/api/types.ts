// Wire types of the server's HTTP and WebSocket API, taken (types only) from the server's TypeBox schemas, so the
// client cannot drift from what the server validates and sends.

import type { Static } from 'typebox';
import type { AuditEntrySchema, AuditPageSchema } from '../../../server/audit/audit.schemas';
import type { ChangePasswordBody, LoginBody, SetupBody } from '../../../server/auth/auth.schemas';
import type { HealthSchema } from '../../../server/health/health.schemas';
import type { RoleSchema } from '../../../server/http/schemas';
import type {
  CreateUserBody,
  MeSchema,
  UpdateUserBody,
  UserSchema,
} from '../../../server/users/users.schemas';
import type { ServerMessage } from '../../../server/ws/protocol';

/** A user's role: viewer < editor < admin. */
export type Role = Static<typeof RoleSchema>;
/** GET /api/health (public). */
export type Health = Static<typeof HealthSchema>;
/** The signed-in user, as returned by login and GET /api/auth/me. */
export type SessionUser = Static<typeof MeSchema>;
/** A user as listed and edited by an admin. */
export type User = Static<typeof UserSchema>;
/** POST /api/setup. */
export type SetupRequest = Static<typeof SetupBody>;
/** POST /api/auth/login. */
export type LoginRequest = Static<typeof LoginBody>;
/** POST /api/auth/password. */
export type ChangePasswordRequest = Static<typeof ChangePasswordBody>;
/** POST /api/users. */
export type CreateUserRequest = Static<typeof CreateUserBody>;
/** PATCH /api/users/:id: only the given fields change. */
export type UpdateUserRequest = Static<typeof UpdateUserBody>;
/** One line of the audit log. */
export type AuditEntry = Static<typeof AuditEntrySchema>;
/** GET /api/audit. */
export type AuditPage = Static<typeof AuditPageSchema>;

/** Every error response has this body. */
export interface ApiErrorBody {
  code: string;
  message: string;
}

/** Error codes the server is documented to send. */
export type ServerErrorCode =
  | 'VALIDATION_FAILED'
  | 'WEAK_PASSWORD'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'WRONG_PASSWORD'
  | 'FORBIDDEN'
  | 'ORIGIN_MISMATCH'
  | 'SETUP_TOKEN_REQUIRED'
  | 'NOT_FOUND'
  | 'SETUP_ALREADY_DONE'
  | 'USERNAME_TAKEN'
  | 'LAST_ADMIN'
  | 'TOO_MANY_ATTEMPTS'
  | 'INTERNAL';

/** Codes the client produces itself when no usable server answer arrived. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE';

/** Messages the server sends on /api/ws. */
export type LiveServerMessage = ServerMessage;

/** Messages the client sends on /api/ws. */
export type LiveClientMessage = { type: 'ping'; id: string };

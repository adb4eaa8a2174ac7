// The one place that turns a failure into a sentence for the user. Known codes get our wording; unknown
// codes fall back to the server's message, then to a generic sentence per status.
import { formatWait } from '../lib/format';
import { ApiError } from './client';
import type { ClientErrorCode, ServerErrorCode } from './types';

/** Shown when nothing better is known. */
export const GENERIC_ERROR_MESSAGE = 'Something went wrong. Please try again.';

const SESSION_ENDED = 'Your session has ended. Please sign in again.';
const NO_PERMISSION = "You don't have permission to do that.";
const SERVER_PROBLEM =
  "The server ran into a problem. Try again; if it keeps happening, check the server's log.";

type MessageFor = string | ((err: ApiError) => string);

function withServerDetail(prefix: string, err: ApiError): string {
  const detail = err.message.trim();
  return detail === '' ? prefix : `${prefix} ${detail}`;
}

// A mapped type, so adding a code to ServerErrorCode or ClientErrorCode without a message fails to compile.
const MESSAGES: { readonly [Code in ServerErrorCode | ClientErrorCode]: MessageFor } = {
  VALIDATION_FAILED: (err) => withServerDetail('Some values were not accepted.', err),
  WEAK_PASSWORD: (err) =>
    err.message.trim() === '' ? 'That password is too weak. Choose a longer one.' : err.message,
  UNAUTHENTICATED: SESSION_ENDED,
  INVALID_CREDENTIALS: 'Wrong user name or password.',
  WRONG_PASSWORD: 'Your current password is not correct.',
  FORBIDDEN: NO_PERMISSION,
  ORIGIN_MISMATCH:
    'The request was refused because it came from a different address than the server expects. Reload the page and try again.',
  SETUP_TOKEN_REQUIRED:
    "This server is not being set up from the machine itself. Open the setup link printed in the server's console.",
  NOT_FOUND: 'That item no longer exists. It may have been removed by someone else.',
  SETUP_ALREADY_DONE: 'Vigil has already been set up. Sign in with an existing account.',
  USERNAME_TAKEN: 'That user name is already taken. Choose another one.',
  LAST_ADMIN: "The last admin can't be removed, demoted or disabled. Make another user an admin first.",
  TOO_MANY_ATTEMPTS: (err) =>
    err.retryAfterSeconds === undefined
      ? 'Too many attempts. Wait a while, then try again.'
      : `Too many attempts. Try again in ${formatWait(err.retryAfterSeconds)}.`,
  INTERNAL: SERVER_PROBLEM,
  NETWORK_ERROR: 'The server could not be reached. Check your connection and try again.',
  TIMEOUT: 'The server took too long to answer. Try again in a moment.',
  BAD_RESPONSE: 'The server sent an unexpected answer. Reload the page and try again.',
};

function isKnownCode(code: string): code is keyof typeof MESSAGES {
  return Object.hasOwn(MESSAGES, code);
}

function fallbackForStatus(status: number): string {
  if (status === 401) return SESSION_ENDED;
  if (status === 403) return NO_PERMISSION;
  if (status >= 500) return SERVER_PROBLEM;
  return GENERIC_ERROR_MESSAGE;
}

/** A friendly, complete sentence describing `err`, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return GENERIC_ERROR_MESSAGE;
  if (isKnownCode(err.code)) {
    const message = MESSAGES[err.code];
    return typeof message === 'string' ? message : message(err);
  }
  const serverMessage = err.message.trim();
  return serverMessage === '' ? fallbackForStatus(err.status) : serverMessage;
}

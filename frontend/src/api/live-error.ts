// Failures on the live socket (/api/ws): an `error` message answering one of our requests, or the socket
// dropping before the answer came. They carry a stable code like ApiError, so errorMessage() words them.
import type { ClientErrorCode, ServerErrorCode } from './types';

export class LiveError extends Error {
  override readonly name = 'LiveError';
  /** A ServerErrorCode, a ClientErrorCode, or a code newer than this client. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isLiveError(err: unknown, code?: ServerErrorCode | ClientErrorCode): err is LiveError {
  return err instanceof LiveError && (code === undefined || err.code === code);
}

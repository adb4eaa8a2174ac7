// A failed tus upload as the API client's ApiError, so it gets the same wording as every other failure. tus
// errors arrive as the last response's status and body (our JSON `{ code, message }`), or with no response
// at all when the connection never answered.
import { ApiError } from '../api/client';

export interface TusFailure {
  /** HTTP status of the last response; 0 or undefined when none arrived. */
  status?: number | undefined;
  /** Its body, as text. */
  body?: string | undefined;
}

export function uploadError(failure: TusFailure, cause?: unknown): ApiError {
  const status = failure.status ?? 0;
  if (status === 0) {
    return new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'The server could not be reached.',
      cause,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(failure.body ?? '');
  } catch (err) {
    // Not our JSON (a proxy's page, an empty body): the status alone is still worth reporting.
    body = err;
  }
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'string' &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    const { code, message } = body as { code: string; message: string };
    return new ApiError({ status, code, message, cause });
  }
  return new ApiError({
    status,
    code: status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE',
    message: '',
    cause,
  });
}

// Refusals that retrying cannot mend, whatever their status: the vault is locked (a locked vault answers 423,
// which tus otherwise retries), the name is taken under "skip" (409, which tus retries as an offset mismatch),
// the vault is full, the file is too big.
const FINAL_CODES = new Set(['VAULT_LOCKED', 'ALREADY_EXISTS', 'INSUFFICIENT_STORAGE', 'PAYLOAD_TOO_LARGE']);

/**
 * Whether tus should try again (resuming from the server's offset): yes after a dropped connection, a server
 * error, an offset mismatch or a busy upload; no after a refusal.
 */
export function shouldRetryUpload(failure: TusFailure): boolean {
  const status = failure.status ?? 0;
  if (status === 0) return true;
  if (FINAL_CODES.has(uploadError(failure).code)) return false;
  if (status === 409 || status === 423 || status === 429) return true;
  return status >= 500;
}

interface ResponseLike {
  getStatus(): number;
  getBody(): string;
}

function isResponseLike(value: unknown): value is ResponseLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ResponseLike>).getStatus === 'function' &&
    typeof (value as Partial<ResponseLike>).getBody === 'function'
  );
}

/** The status and body of the response a tus error carries (tus-js-client's DetailedError); none after a drop. */
export function tusFailureOf(error: unknown): TusFailure {
  const response =
    typeof error === 'object' && error !== null
      ? (error as { originalResponse?: unknown }).originalResponse
      : null;
  if (!isResponseLike(response)) return {};
  return { status: response.getStatus(), body: response.getBody() };
}

// The one typed client for the Vigil HTTP API. The session lives in an HttpOnly cookie, so requests only need
// `credentials: 'same-origin'`; nothing here ever sees or stores a token.
import type {
  ApiErrorBody,
  AuditPage,
  Camera,
  ChangePasswordRequest,
  ClientErrorCode,
  CreateCameraRequest,
  CreateUserRequest,
  Health,
  LoginRequest,
  ProbeCameraRequest,
  ProbeResult,
  ServerErrorCode,
  SessionUser,
  SetupRequest,
  UpdateCameraRequest,
  UpdateUserRequest,
  User,
} from './types';

/** How long a request may take before it fails with TIMEOUT, in milliseconds. */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface ApiErrorInit {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** A ServerErrorCode, a ClientErrorCode, or a code newer than this client. */
  code: string;
  message: string;
  /** From the Retry-After header of a 429, in seconds. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Every failure of the client, whether the server answered with an error or never answered at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds?: number;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isApiError(err: unknown, code?: ServerErrorCode | ClientErrorCode): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/**
 * Reads a Retry-After header, which is either a number of seconds or an HTTP date. Returns whole seconds
 * (at least 1), or undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed));
  // An HTTP date always names a weekday and "GMT"; without letters Date.parse would read "-5" as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)['code'] === 'string' &&
    typeof (value as Record<string, unknown>)['message'] === 'string'
  );
}

/** Turns a non-2xx response into an ApiError, tolerating bodies that are not our JSON (e.g. a proxy's page). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    // A body that is not JSON (a proxy's HTML page, an empty 502) still has a status worth reporting.
    body = err;
  }
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  const base = isErrorBody(body)
    ? { status: response.status, code: body.code, message: body.message }
    : {
        status: response.status,
        code: response.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE',
        message: response.statusText,
      };
  return new ApiError(retryAfterSeconds === undefined ? base : { ...base, retryAfterSeconds });
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/**
 * Calls `listener` whenever a request fails because the session is gone (401 UNAUTHENTICATED), except for the
 * session check itself. Returns a function that removes the listener.
 */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => {
    unauthenticatedListeners.delete(listener);
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** The request is itself a session check; a 401 is an answer, not a lost session. */
  sessionCheck?: boolean;
}

async function send(method: Method, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    throw new ApiError({
      status: 0,
      code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      message: timedOut ? 'The request timed out.' : 'The server could not be reached.',
      cause: err,
    });
  }
  if (response.ok) return response;
  const error = await errorFromResponse(response);
  if (error.status === 401 && error.code === 'UNAUTHENTICATED' && options.sessionCheck !== true) {
    for (const listener of unauthenticatedListeners) listener();
  }
  throw error;
}

/** Sends a request and returns its JSON body, unchecked: the server's schemas are the contract. */
async function requestJson(method: Method, path: string, options?: RequestOptions): Promise<unknown> {
  const response = await send(method, path, options);
  try {
    return (await response.json()) as unknown;
  } catch (err) {
    throw new ApiError({
      status: response.status,
      code: 'BAD_RESPONSE',
      message: 'The server sent an answer that could not be read.',
      cause: err,
    });
  }
}

async function requestEmpty(method: Method, path: string, options?: RequestOptions): Promise<void> {
  await send(method, path, options);
}

export const api = {
  health: async () => (await requestJson('GET', '/api/health')) as Health,
  setup: async (body: SetupRequest) => (await requestJson('POST', '/api/setup', { body })) as SessionUser,

  login: async (body: LoginRequest) =>
    (await requestJson('POST', '/api/auth/login', { body, sessionCheck: true })) as SessionUser,
  logout: () => requestEmpty('POST', '/api/auth/logout', { sessionCheck: true }),
  me: async () => (await requestJson('GET', '/api/auth/me', { sessionCheck: true })) as SessionUser,
  changePassword: (body: ChangePasswordRequest) => requestEmpty('POST', '/api/auth/password', { body }),

  listUsers: async () => (await requestJson('GET', '/api/users')) as User[],
  createUser: async (body: CreateUserRequest) => (await requestJson('POST', '/api/users', { body })) as User,
  updateUser: async (id: number, body: UpdateUserRequest) =>
    (await requestJson('PATCH', `/api/users/${id}`, { body })) as User,
  deleteUser: (id: number) => requestEmpty('DELETE', `/api/users/${id}`),

  listAudit: async (limit: number) => (await requestJson('GET', `/api/audit?limit=${limit}`)) as AuditPage,

  listCameras: async () => (await requestJson('GET', '/api/cameras')) as Camera[],
  getCamera: async (id: number) => (await requestJson('GET', `/api/cameras/${id}`)) as Camera,
  createCamera: async (body: CreateCameraRequest) =>
    (await requestJson('POST', '/api/cameras', { body })) as Camera,
  updateCamera: async (id: number, body: UpdateCameraRequest) =>
    (await requestJson('PATCH', `/api/cameras/${id}`, { body })) as Camera,
  deleteCamera: (id: number) => requestEmpty('DELETE', `/api/cameras/${id}`),
  /** Tries a source for up to 10 s on the server; well inside REQUEST_TIMEOUT_MS. */
  probeCamera: async (body: ProbeCameraRequest) =>
    (await requestJson('POST', '/api/cameras/probe', { body })) as ProbeResult,
};

/** A multipart MJPEG stream of the camera's pictures (about 2 a second), usable as an <img> src. */
export function cameraMjpegUrl(id: number): string {
  return `/api/cameras/${id}/mjpeg`;
}

/** The camera's newest picture as JPEG; `bust` defeats the browser cache when polling. */
export function cameraSnapshotUrl(id: number, bust?: number): string {
  return bust === undefined ? `/api/cameras/${id}/snapshot.jpg` : `/api/cameras/${id}/snapshot.jpg?t=${bust}`;
}

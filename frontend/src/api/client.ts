// The one typed client for the Vigil HTTP API. The session lives in an HttpOnly cookie, so requests only need
// `credentials: 'same-origin'`; nothing here ever sees or stores a token.
import { fileDownloadUrl, query } from './urls';
import type {
  ApiErrorBody,
  AuditPage,
  Camera,
  ChangePasswordRequest,
  ClientErrorCode,
  CreateCameraRequest,
  CreateUserRequest,
  CreatedVault,
  CreateVaultRequest,
  CopyAnswer,
  DeleteAnswer,
  DeleteRequest,
  EmptyTrashAnswer,
  FileListing,
  FileRootName,
  Health,
  LockVaultRequest,
  LoginRequest,
  MoveAnswer,
  PathEntry,
  ProbeCameraRequest,
  ProbeResult,
  RemoveVaultKeyRequest,
  RenameRequest,
  RestoreAnswer,
  RestoreRequest,
  ServerErrorCode,
  SessionUser,
  SetupRequest,
  TransferRequest,
  TrashList,
  UnlockVaultRequest,
  UpdateCameraRequest,
  UpdateUserRequest,
  User,
  VaultHeaderBackupRequest,
  VaultKeyChangeRequest,
  VaultKeySlots,
  VaultSlotAnswer,
  VaultStatus,
} from './types';

/** How long a request may take before it fails with TIMEOUT, in milliseconds. */
export const REQUEST_TIMEOUT_MS = 20_000;
/**
 * How long a vault operation may take, in milliseconds (10 minutes). Every one runs cryptsetup's deliberately
 * slow key derivation, and unlocking may check the file system first; the outcome still arrives on the live
 * socket if the request gives up.
 */
export const VAULT_OPERATION_TIMEOUT_MS = 10 * 60_000;

/**
 * How long a batch on files (move, copy, delete, restore, emptying the trash) may take, in milliseconds
 * (1 hour): copying or moving across devices writes every byte; progress arrives on the live socket meanwhile.
 */
export const FILE_BATCH_TIMEOUT_MS = 60 * 60_000;

export interface ApiErrorInit {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** A ServerErrorCode, a ClientErrorCode, or a code newer than this client. */
  code: string;
  message: string;
  /** From the Retry-After header of a 429, in seconds. */
  retryAfterSeconds?: number;
  /** The error body's `details`, for codes that carry specifics (e.g. VAULT_BUSY `holders`). */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/** Every failure of the client, whether the server answered with an error or never answered at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds?: number;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.details !== undefined) this.details = init.details;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return isRecord(value) && typeof value['code'] === 'string' && typeof value['message'] === 'string';
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
  const init: ApiErrorInit = isErrorBody(body)
    ? { status: response.status, code: body.code, message: body.message }
    : {
        status: response.status,
        code: response.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE',
        message: response.statusText,
      };
  if (retryAfterSeconds !== undefined) init.retryAfterSeconds = retryAfterSeconds;
  if (isErrorBody(body) && isRecord(body.details)) init.details = body.details;
  return new ApiError(init);
}

/**
 * The file name a download should be saved under: the Content-Disposition `filename` when it is a plain
 * name, else `fallback`. Directory parts are dropped, so a server can never suggest a path.
 */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  const match = header === null ? null : /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(header);
  const raw = match?.[1] ?? match?.[2] ?? '';
  const name = raw.split(/[/\\]/).pop()?.trim() ?? '';
  return name === '' || name === '.' || name === '..' ? fallback : name;
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** Sent as the raw body with its own type (e.g. a photo as image/jpeg), instead of a JSON `body`. */
  file?: Blob;
  /** What the caller can read; errors still arrive as JSON. Default application/json. */
  accept?: string;
  /** In milliseconds; default REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  /** The request is itself a session check; a 401 is an answer, not a lost session. */
  sessionCheck?: boolean;
}

async function send(method: Method, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
    signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
  };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  } else if (options.file !== undefined) {
    headers['Content-Type'] = options.file.type === '' ? 'application/octet-stream' : options.file.type;
    init.body = options.file;
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
export async function requestJson(method: Method, path: string, options?: RequestOptions): Promise<unknown> {
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

export async function requestEmpty(method: Method, path: string, options?: RequestOptions): Promise<void> {
  await send(method, path, options);
}

/** A file the server sent as an attachment, with the name it suggested. */
export interface Download {
  blob: Blob;
  filename: string;
}

/** Sends a request whose answer is a file (binary), not JSON; failures are JSON errors as everywhere. */
async function requestDownload(
  method: Method,
  path: string,
  fallbackName: string,
  options?: RequestOptions,
): Promise<Download> {
  const response = await send(method, path, { ...options, accept: 'application/octet-stream' });
  try {
    const blob = await response.blob();
    return {
      blob,
      filename: filenameFromDisposition(response.headers.get('Content-Disposition'), fallbackName),
    };
  } catch (err) {
    throw new ApiError({
      status: response.status,
      code: 'BAD_RESPONSE',
      message: 'The download was interrupted.',
      cause: err,
    });
  }
}

/** Sends a request whose answer is text (a file shown in the page); failures are JSON errors as everywhere. */
async function requestText(path: string): Promise<string> {
  const response = await send('GET', path, { accept: 'text/plain' });
  try {
    return await response.text();
  } catch (err) {
    throw new ApiError({
      status: response.status,
      code: 'BAD_RESPONSE',
      message: 'The download was interrupted.',
      cause: err,
    });
  }
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

  /** `speculative`: sent before the session is known (a page's first load); a 401 then is an answer, not a lost session. */
  listCameras: async (speculative = false) =>
    (await requestJson('GET', '/api/cameras', { sessionCheck: speculative })) as Camera[],
  getCamera: async (id: number) => (await requestJson('GET', `/api/cameras/${id}`)) as Camera,
  createCamera: async (body: CreateCameraRequest) =>
    (await requestJson('POST', '/api/cameras', { body })) as Camera,
  updateCamera: async (id: number, body: UpdateCameraRequest) =>
    (await requestJson('PATCH', `/api/cameras/${id}`, { body })) as Camera,
  deleteCamera: (id: number) => requestEmpty('DELETE', `/api/cameras/${id}`),
  /** Tries a source for up to 10 s on the server; well inside REQUEST_TIMEOUT_MS. */
  probeCamera: async (body: ProbeCameraRequest) =>
    (await requestJson('POST', '/api/cameras/probe', { body })) as ProbeResult,
  /** The same, for a saved camera with its stored credentials (which the browser never sees). */
  probeSavedCamera: async (id: number) =>
    (await requestJson('POST', `/api/cameras/${id}/probe`)) as ProbeResult,

  vaultStatus: async () => (await requestJson('GET', '/api/vault')) as VaultStatus,
  unlockVault: async (body: UnlockVaultRequest) =>
    (await requestJson('POST', '/api/vault/unlock', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    })) as VaultStatus,
  /** VAULT_BUSY (409) carries `details.holders` when processes still use the volume. */
  lockVault: async (body: LockVaultRequest) =>
    (await requestJson('POST', '/api/vault/lock', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    })) as VaultStatus,
  createVault: async (body: CreateVaultRequest) =>
    (await requestJson('POST', '/api/vault/create', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    })) as CreatedVault,
  listVaultKeySlots: async () => (await requestJson('GET', '/api/vault/keyslots')) as VaultKeySlots,
  addVaultKey: async (body: VaultKeyChangeRequest) =>
    (await requestJson('POST', '/api/vault/keyslots', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    })) as VaultSlotAnswer,
  removeVaultKey: (slot: number, body: RemoveVaultKeyRequest) =>
    requestEmpty('DELETE', `/api/vault/keyslots/${slot}`, { body, timeoutMs: VAULT_OPERATION_TIMEOUT_MS }),
  changeVaultPassphrase: async (body: VaultKeyChangeRequest) =>
    (await requestJson('POST', '/api/vault/passphrase', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    })) as VaultSlotAnswer,
  /** The LUKS header and key slots as a file (binary), after the admin's own password. */
  vaultHeaderBackup: (body: VaultHeaderBackupRequest) =>
    requestDownload('POST', '/api/vault/header-backup', 'vigil-vault-header.img', {
      body,
      timeoutMs: VAULT_OPERATION_TIMEOUT_MS,
    }),

  /** One page of a folder (at most 1000 entries); `total` says whether more pages follow. */
  listFiles: async (path: string, offset = 0, limit?: number, root?: FileRootName) =>
    (await requestJson('GET', `/api/files?${query({ root, path, offset, limit })}`)) as FileListing,
  statFile: async (path: string) =>
    (await requestJson('GET', `/api/files/stat?${query({ path })}`)) as PathEntry,
  /** 201 with the new folder; ALREADY_EXISTS (409) when the name is taken. */
  makeFolder: async (path: string, root: FileRootName = 'files') =>
    (await requestJson('POST', '/api/files/mkdir', { body: { path, root } })) as PathEntry,
  renameFile: async (body: RenameRequest) =>
    (await requestJson('POST', '/api/files/rename', { body })) as PathEntry,
  /** Never stops at the first failure: `failed` lists what did not move, with codes. */
  moveFiles: async (body: TransferRequest) =>
    (await requestJson('POST', '/api/files/move', { body, timeoutMs: FILE_BATCH_TIMEOUT_MS })) as MoveAnswer,
  copyFiles: async (body: TransferRequest) =>
    (await requestJson('POST', '/api/files/copy', { body, timeoutMs: FILE_BATCH_TIMEOUT_MS })) as CopyAnswer,
  /** To the trash unless `permanent`. */
  deleteFiles: async (body: DeleteRequest) =>
    (await requestJson('POST', '/api/files/delete', {
      body,
      timeoutMs: FILE_BATCH_TIMEOUT_MS,
    })) as DeleteAnswer,
  /** A text file's content (the server sends markup such as HTML or SVG as plain text). */
  fileText: (path: string, root: FileRootName = 'files') => requestText(fileDownloadUrl(path, true, root)),
  listTrash: async () => (await requestJson('GET', '/api/trash')) as TrashList,
  restoreTrash: async (body: RestoreRequest) =>
    (await requestJson('POST', '/api/trash/restore', {
      body,
      timeoutMs: FILE_BATCH_TIMEOUT_MS,
    })) as RestoreAnswer,
  emptyTrash: async () =>
    (await requestJson('POST', '/api/trash/empty', { timeoutMs: FILE_BATCH_TIMEOUT_MS })) as EmptyTrashAnswer,
};

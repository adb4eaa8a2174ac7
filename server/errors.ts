/**
 * Every error a client can see is an AppError: a stable `code`, an HTTP status and a message safe to show.
 * Anything else that escapes a route becomes a 500 INTERNAL whose details stay in the log.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Readonly<Record<string, string>>;
  /** Machine-readable specifics sent along (e.g. what holds a busy vault); never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: string,
    statusCode: number,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }
}

export const unauthenticated = () => new AppError('UNAUTHENTICATED', 401, 'Sign in first.');
export const forbidden = (message = 'Your role does not allow this.') =>
  new AppError('FORBIDDEN', 403, message);
export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', 404, `${what} not found.`);
export const validationFailed = (message: string) => new AppError('VALIDATION_FAILED', 400, message);
export const weakPassword = (message: string) => new AppError('WEAK_PASSWORD', 400, message);
export const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 401, 'Wrong user name or password.');
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError('TOO_MANY_ATTEMPTS', 429, `Too many failed attempts. Try again in ${retryAfterSeconds} s.`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
  });

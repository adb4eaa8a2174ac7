import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, isApiError, parseRetryAfter } from './client';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(' 7 ')).toBe(7);
  });

  it('never returns less than one second', () => {
    expect(parseRetryAfter('0')).toBe(1);
  });

  it('reads an HTTP date relative to now, rounding up', () => {
    const now = new Date('2025-01-01T00:00:00.000Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(1);
  });

  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
  });
});

describe('errorFromResponse', () => {
  it('takes code and message from the JSON body', async () => {
    const response = new Response(JSON.stringify({ code: 'USERNAME_TAKEN', message: 'taken' }), {
      status: 409,
      headers: { 'Content-Type': 'application/json' },
    });
    const error = await errorFromResponse(response);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'USERNAME_TAKEN', message: 'taken' });
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('carries Retry-After on a 429', async () => {
    const response = new Response(JSON.stringify({ code: 'TOO_MANY_ATTEMPTS', message: 'slow down' }), {
      status: 429,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '42' },
    });
    expect(await errorFromResponse(response)).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: 42,
    });
  });

  it('copes with a body that is not ours, e.g. a proxy error page', async () => {
    const gateway = new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    expect(await errorFromResponse(gateway)).toMatchObject({
      status: 502,
      code: 'INTERNAL',
      message: 'Bad Gateway',
    });
    const odd = new Response(JSON.stringify({ error: 'nope' }), { status: 400 });
    expect(await errorFromResponse(odd)).toMatchObject({ status: 400, code: 'BAD_RESPONSE' });
  });
});

describe('isApiError', () => {
  it('checks the class and, optionally, the code', () => {
    const error = new ApiError({ status: 409, code: 'LAST_ADMIN', message: 'no' });
    expect(isApiError(error)).toBe(true);
    expect(isApiError(error, 'LAST_ADMIN')).toBe(true);
    expect(isApiError(error, 'USERNAME_TAKEN')).toBe(false);
    expect(isApiError(new Error('no'))).toBe(false);
  });
});

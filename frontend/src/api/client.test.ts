import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, filenameFromDisposition, isApiError, parseRetryAfter } from './client';

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

  it('keeps the details some codes carry, e.g. what holds a busy vault', async () => {
    const holders = [{ pid: 812, name: 'smbd', paths: ['/mnt/vigil-vault/files'] }];
    const response = new Response(
      JSON.stringify({ code: 'VAULT_BUSY', message: 'busy', details: { holders } }),
      {
        status: 409,
      },
    );
    expect((await errorFromResponse(response)).details).toEqual({ holders });
    const plain = new Response(JSON.stringify({ code: 'VAULT_BUSY', message: 'busy', details: 'x' }), {
      status: 409,
    });
    expect((await errorFromResponse(plain)).details).toBeUndefined();
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

describe('filenameFromDisposition', () => {
  it('takes the suggested name, quoted or not', () => {
    expect(filenameFromDisposition('attachment; filename="vigil-vault-header-1234.img"', 'x.img')).toBe(
      'vigil-vault-header-1234.img',
    );
    expect(filenameFromDisposition('attachment; filename=backup.img; size=4', 'x.img')).toBe('backup.img');
  });

  it('never takes a path, and falls back when there is no usable name', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x.img')).toBe('passwd');
    expect(filenameFromDisposition('attachment; filename="C:\\temp\\a.img"', 'x.img')).toBe('a.img');
    expect(filenameFromDisposition('attachment; filename=".."', 'x.img')).toBe('x.img');
    expect(filenameFromDisposition('attachment', 'x.img')).toBe('x.img');
    expect(filenameFromDisposition(null, 'x.img')).toBe('x.img');
  });
});

import { describe, expect, it } from 'vitest';
import { errorMessage } from '../api/error-message';
import { shouldRetryUpload, tusFailureOf, uploadError } from './upload-error';

const json = (code: string, message = 'm') => JSON.stringify({ code, message });

describe('uploadError', () => {
  it('takes the code and message of our JSON error body', () => {
    const error = uploadError({ status: 423, body: json('VAULT_LOCKED', 'locked') });
    expect(error).toMatchObject({ status: 423, code: 'VAULT_LOCKED', message: 'locked' });
    expect(errorMessage(error)).toBe('The vault is locked. An admin has to unlock it first.');
  });

  it('reads no response as a network failure', () => {
    expect(uploadError({}).code).toBe('NETWORK_ERROR');
    expect(uploadError({ status: 0 }).code).toBe('NETWORK_ERROR');
  });

  it('copes with bodies that are not our JSON', () => {
    expect(uploadError({ status: 502, body: '<html>bad gateway</html>' }).code).toBe('INTERNAL');
    expect(uploadError({ status: 400, body: '' }).code).toBe('BAD_RESPONSE');
    expect(uploadError({ status: 400, body: '{"code":1}' }).code).toBe('BAD_RESPONSE');
  });
});

describe('shouldRetryUpload', () => {
  it('retries a dropped connection, server errors, offset mismatches and rate limits', () => {
    expect(shouldRetryUpload({})).toBe(true);
    expect(shouldRetryUpload({ status: 500, body: json('INTERNAL') })).toBe(true);
    expect(shouldRetryUpload({ status: 503, body: '' })).toBe(true);
    expect(shouldRetryUpload({ status: 409, body: json('UPLOAD_OFFSET_MISMATCH') })).toBe(true);
    expect(shouldRetryUpload({ status: 429, body: '' })).toBe(true);
  });

  it('gives up on refusals that trying again cannot mend', () => {
    expect(shouldRetryUpload({ status: 423, body: json('VAULT_LOCKED') })).toBe(false);
    expect(shouldRetryUpload({ status: 409, body: json('ALREADY_EXISTS') })).toBe(false);
    expect(shouldRetryUpload({ status: 507, body: json('INSUFFICIENT_STORAGE') })).toBe(false);
    expect(shouldRetryUpload({ status: 413, body: json('PAYLOAD_TOO_LARGE') })).toBe(false);
    expect(shouldRetryUpload({ status: 403, body: json('FORBIDDEN') })).toBe(false);
    expect(shouldRetryUpload({ status: 401, body: json('UNAUTHENTICATED') })).toBe(false);
  });
});

describe('tusFailureOf', () => {
  it("reads the status and body of a tus error's response", () => {
    const error = Object.assign(new Error('tus: unexpected response'), {
      originalResponse: { getStatus: () => 409, getBody: () => json('ALREADY_EXISTS') },
    });
    expect(tusFailureOf(error)).toEqual({ status: 409, body: json('ALREADY_EXISTS') });
  });

  it('has nothing to read after a dropped connection', () => {
    expect(tusFailureOf(Object.assign(new Error('x'), { originalResponse: null }))).toEqual({});
    expect(tusFailureOf('weird')).toEqual({});
    expect(tusFailureOf(null)).toEqual({});
  });
});

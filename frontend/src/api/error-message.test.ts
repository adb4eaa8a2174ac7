import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { LiveError } from './live-error';
import { codedMessage, errorMessage, GENERIC_ERROR_MESSAGE } from './error-message';

const apiError = (status: number, code: string, message = '', retryAfterSeconds?: number) =>
  new ApiError(
    retryAfterSeconds === undefined
      ? { status, code, message }
      : { status, code, message, retryAfterSeconds },
  );

describe('errorMessage', () => {
  it('uses our wording for known codes, not the server text', () => {
    expect(errorMessage(apiError(401, 'INVALID_CREDENTIALS', 'invalid credentials'))).toBe(
      'Wrong user name or password.',
    );
    expect(errorMessage(apiError(409, 'LAST_ADMIN', 'x'))).toMatch(
      /last admin can't be removed, demoted or disabled/,
    );
    expect(errorMessage(apiError(403, 'SETUP_TOKEN_REQUIRED', 'x'))).toMatch(
      /open the setup link printed in the server's console/i,
    );
    expect(errorMessage(apiError(403, 'WRONG_PASSWORD', 'x'))).toBe('Your current password is not correct.');
    expect(errorMessage(apiError(409, 'USERNAME_TAKEN', 'x'))).toMatch(/already taken/);
  });

  it("passes on the server's explanation of a weak password", () => {
    expect(errorMessage(apiError(400, 'WEAK_PASSWORD', 'Use at least 10 characters.'))).toBe(
      'Use at least 10 characters.',
    );
    expect(errorMessage(apiError(400, 'WEAK_PASSWORD', ''))).toMatch(/too weak/);
  });

  it('adds the server detail to a validation failure', () => {
    expect(errorMessage(apiError(400, 'VALIDATION_FAILED', 'username is too short'))).toBe(
      'Some values were not accepted. username is too short',
    );
    expect(errorMessage(apiError(400, 'VALIDATION_FAILED', ''))).toBe('Some values were not accepted.');
  });

  it('says how long to wait after too many attempts', () => {
    expect(errorMessage(apiError(429, 'TOO_MANY_ATTEMPTS', 'slow down', 30))).toBe(
      'Too many attempts. Try again in 30 seconds.',
    );
    expect(errorMessage(apiError(429, 'TOO_MANY_ATTEMPTS', 'slow down', 300))).toBe(
      'Too many attempts. Try again in 5 minutes.',
    );
    expect(errorMessage(apiError(429, 'TOO_MANY_ATTEMPTS', 'slow down'))).toMatch(/Wait a while/);
  });

  it('explains failures that never reached the server', () => {
    expect(errorMessage(apiError(0, 'NETWORK_ERROR', 'fetch failed'))).toMatch(/could not be reached/);
    expect(errorMessage(apiError(0, 'TIMEOUT', 'timed out'))).toMatch(/too long/);
  });

  it("falls back to the server's message for codes it does not know", () => {
    expect(errorMessage(apiError(507, 'QUOTA_EXCEEDED', 'The disk is full.'))).toBe('The disk is full.');
  });

  it('falls back to a sentence per status when an unknown code has no message', () => {
    expect(errorMessage(apiError(403, 'SOMETHING_NEW', ''))).toMatch(/permission/);
    expect(errorMessage(apiError(502, 'SOMETHING_NEW', '  '))).toMatch(/server ran into a problem/);
    expect(errorMessage(apiError(418, 'SOMETHING_NEW', ''))).toBe(GENERIC_ERROR_MESSAGE);
  });

  it('never shows the text of errors that are not ApiErrors', () => {
    expect(errorMessage(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      GENERIC_ERROR_MESSAGE,
    );
    expect(errorMessage('boom')).toBe(GENERIC_ERROR_MESSAGE);
    expect(errorMessage(null)).toBe(GENERIC_ERROR_MESSAGE);
  });

  it('does not treat inherited object keys as codes', () => {
    expect(errorMessage(apiError(400, 'toString', 'Bad thing.'))).toBe('Bad thing.');
  });
});

describe('errorMessage for cameras and live video', () => {
  it('words probe failures', () => {
    expect(errorMessage(apiError(422, 'AUTH_FAILED', '401 Unauthorized'))).toMatch(/refused the user name/);
    expect(errorMessage(apiError(422, 'UNREACHABLE', 'x'))).toMatch(/could not be reached/);
    expect(errorMessage(apiError(422, 'NO_VIDEO', 'x'))).toMatch(/no video within 10 seconds/);
    expect(errorMessage(apiError(422, 'UNSUPPORTED_CODEC', 'x'))).toMatch(/H\.264/);
    expect(errorMessage(apiError(503, 'MEDIA_UNAVAILABLE', 'x'))).toMatch(/media service is not running/);
    expect(errorMessage(apiError(503, 'DM_UNAVAILABLE', 'x'))).toMatch(/no device-mapper/);
  });

  it("keeps the server's explanation of an invalid source", () => {
    expect(
      errorMessage(apiError(400, 'INVALID_SOURCE', 'Only rtsp:// and rtsps:// camera URLs are accepted.')),
    ).toBe('Only rtsp:// and rtsps:// camera URLs are accepted.');
    expect(errorMessage(apiError(400, 'INVALID_SOURCE', ''))).toMatch(/not valid/);
  });

  it('lets one context reword a code', () => {
    const notFound = apiError(404, 'NOT_FOUND', 'No such file in the media folder.');
    expect(errorMessage(notFound)).toMatch(/no longer exists/);
    expect(errorMessage(notFound, { NOT_FOUND: 'No such file.' })).toBe('No such file.');
  });

  it('words live-socket failures the same way', () => {
    expect(errorMessage(new LiveError('CAMERA_OFFLINE', 'offline'))).toMatch(/offline right now/);
    expect(errorMessage(new LiveError('SFU_UNAVAILABLE', 'janus down'))).toMatch(/live video service/);
    expect(errorMessage(new LiveError('CAMERA_NOT_FOUND', 'gone'))).toMatch(/no longer exists/);
    expect(errorMessage(new LiveError('LIVE_DISCONNECTED', ''))).toMatch(/reconnects on its own/);
    expect(errorMessage(new LiveError('TOO_MANY_ATTEMPTS', ''))).toMatch(/Wait a while/);
    expect(errorMessage(new LiveError('SOMETHING_NEW', 'Told you so.'))).toBe('Told you so.');
    expect(errorMessage(new LiveError('SOMETHING_NEW', ''))).toBe(GENERIC_ERROR_MESSAGE);
  });
});

describe('errorMessage for the vault', () => {
  it('words passphrase and state failures', () => {
    expect(errorMessage(apiError(403, 'WRONG_PASSPHRASE', 'x'))).toBe(
      'That passphrase does not open the vault.',
    );
    expect(errorMessage(apiError(423, 'VAULT_LOCKED', 'x'))).toMatch(/locked/);
    expect(errorMessage(apiError(409, 'LAST_KEY_SLOT', 'x'))).toMatch(/last passphrase/);
    expect(errorMessage(apiError(400, 'CONFIRMATION_MISMATCH', 'x'))).toMatch(/does not match/);
  });

  it("keeps the server's explanation where it names specifics", () => {
    expect(errorMessage(apiError(409, 'VAULT_BUSY', 'Still in use by smbd (812).'))).toBe(
      'Still in use by smbd (812).',
    );
    expect(errorMessage(apiError(503, 'VAULT_UNAVAILABLE', 'The vault is unavailable: no dm-crypt.'))).toBe(
      'The vault is unavailable: no dm-crypt.',
    );
    expect(errorMessage(apiError(409, 'DEVICE_NOT_EMPTY', '/dev/sdb holds ext4.'))).toBe(
      'The device is not empty. /dev/sdb holds ext4. Creating the vault there would erase what it holds.',
    );
  });
});

describe('codedMessage', () => {
  it('words a problem that arrived as data', () => {
    expect(codedMessage('UNREACHABLE', 'Could not open resource for reading and writing.')).toMatch(
      /could not be reached/,
    );
    expect(codedMessage('SOMETHING_NEW', 'The lens is dirty.')).toBe('The lens is dirty.');
  });
});

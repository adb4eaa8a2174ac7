import { describe, expect, it } from 'vitest';
import {
  confirmationProblem,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  usernameProblem,
} from './credential-rules';

describe('passwordProblem', () => {
  it('accepts a password of at least the minimum length', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH), 'alice')).toBeNull();
    expect(passwordProblem('correct horse battery staple', 'alice')).toBeNull();
  });

  it('rejects empty, short and overlong passwords', () => {
    expect(passwordProblem('', 'alice')).toBe('Enter a password.');
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1), 'alice')).toMatch(/at least 10/);
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH), 'alice')).toBeNull();
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH + 1), 'alice')).toMatch(/at most 1024/);
  });

  it('rejects the user name as password, whatever the case', () => {
    expect(passwordProblem('administrator', 'administrator')).toMatch(/user name/);
    expect(passwordProblem('AdminIstrator', 'administrator')).toMatch(/user name/);
    expect(passwordProblem('administrator1', 'administrator')).toBeNull();
  });

  it('counts length as the server does (UTF-16 units), so it never refuses what the server accepts', () => {
    // Five emoji are ten UTF-16 units: the server's policy accepts them.
    expect(passwordProblem('🔒🔒🔒🔒🔒', 'alice')).toBeNull();
    expect(passwordProblem('🔒🔒🔒🔒', 'alice')).toMatch(/at least/);
  });

  it('ignores surrounding spaces when comparing with the user name, like the server', () => {
    expect(passwordProblem(' administrator ', 'administrator')).toMatch(/user name/);
  });
});

describe('usernameProblem', () => {
  it('accepts 3–32 letters, digits, dots, underscores and hyphens', () => {
    for (const name of ['bob', 'alice.smith', 'cam_01', 'front-door', 'A'.repeat(32)]) {
      expect(usernameProblem(name), name).toBeNull();
    }
  });

  it('rejects other lengths and characters', () => {
    expect(usernameProblem('')).toBe('Enter a user name.');
    expect(usernameProblem('ab')).toMatch(/3 to 32/);
    expect(usernameProblem('a'.repeat(33))).toMatch(/3 to 32/);
    expect(usernameProblem('alice smith')).toMatch(/only letters/);
    expect(usernameProblem('zoë')).toMatch(/only letters/);
    expect(usernameProblem('bob@home')).toMatch(/only letters/);
  });
});

describe('confirmationProblem', () => {
  it('requires the same password twice', () => {
    expect(confirmationProblem('secret-pass-1', 'secret-pass-1')).toBeNull();
    expect(confirmationProblem('secret-pass-1', 'secret-pass-2')).toMatch(/do not match/);
    expect(confirmationProblem('secret-pass-1', '')).toMatch(/again/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  newPassphraseProblem,
  passphraseConfirmationProblem,
  passphraseStrength,
  VAULT_PASSPHRASE_MAX_LENGTH,
  VAULT_PASSPHRASE_MIN_LENGTH,
} from './vault-passphrase';

describe('newPassphraseProblem', () => {
  it('asks for at least the server minimum', () => {
    expect(VAULT_PASSPHRASE_MIN_LENGTH).toBe(12);
    expect(newPassphraseProblem('')).toBe('Enter a passphrase.');
    expect(newPassphraseProblem('a'.repeat(11))).toBe('Use at least 12 characters.');
    expect(newPassphraseProblem('a'.repeat(12))).toBeNull();
  });

  it('counts code points as the server schema does, not UTF-16 units', () => {
    // Six emoji are twelve UTF-16 units but six characters to the server.
    expect(newPassphraseProblem('🔒'.repeat(6))).toBe('Use at least 12 characters.');
    expect(newPassphraseProblem('🔒'.repeat(12))).toBeNull();
  });

  it('refuses what the server refuses: too long, or control characters', () => {
    expect(newPassphraseProblem('a'.repeat(VAULT_PASSPHRASE_MAX_LENGTH))).toBeNull();
    expect(newPassphraseProblem('a'.repeat(VAULT_PASSPHRASE_MAX_LENGTH + 1))).toMatch(/at most 512/);
    expect(newPassphraseProblem('correct horse\nbattery')).toMatch(/line breaks/);
    expect(newPassphraseProblem('correct horse\tbattery')).toMatch(/control characters/);
    expect(newPassphraseProblem('correct horse\u007fbattery')).toMatch(/control characters/);
  });
});

describe('passphraseConfirmationProblem', () => {
  it('wants the same passphrase again', () => {
    expect(passphraseConfirmationProblem('a long passphrase', '')).toBe('Enter the passphrase again.');
    expect(passphraseConfirmationProblem('a long passphrase', 'a long passphrase ')).toMatch(/do not match/);
    expect(passphraseConfirmationProblem('a long passphrase', 'a long passphrase')).toBeNull();
  });
});

describe('passphraseStrength', () => {
  it('calls anything under the minimum too short', () => {
    expect(passphraseStrength('')).toMatchObject({ level: 'too-short', score: 0 });
    expect(passphraseStrength('Xk#9$mQ!2')).toMatchObject({ level: 'too-short', score: 0 });
  });

  it('sees through repeats, runs and well-known fragments', () => {
    expect(passphraseStrength('aaaaaaaaaaaaaaaaaaaa').level).toBe('weak');
    expect(passphraseStrength('abcdefghijklmnopqrstu').level).toBe('weak');
    expect(passphraseStrength('Summer2024!!').level).toBe('weak');
    const known = passphraseStrength('MyVigilPassword-2026-x7');
    expect(known.level).toBe('weak');
    expect(known.advice).toMatch(/well-known/);
  });

  it('rates random words by how many there are', () => {
    expect(passphraseStrength('horse battery staple').level).toBe('fair');
    expect(passphraseStrength('correct horse battery staple')).toMatchObject({
      level: 'strong',
      score: 3,
      advice: null,
    });
  });

  it('rates random characters by their length and alphabet', () => {
    expect(passphraseStrength('q8#Lm2!vRz7@Kp4w').level).toBe('fair');
    expect(passphraseStrength('q8#Lm2!vRz7@Kp4wT9&x').level).toBe('strong');
  });
});

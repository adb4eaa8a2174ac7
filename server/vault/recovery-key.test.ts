import { describe, expect, it } from 'vitest';
import { newRecoveryKey } from './recovery-key.js';

describe('newRecoveryKey', () => {
  it('is 8 groups of 5 unambiguous base32 characters, different every time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newRecoveryKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('uses the whole alphabet (every character can appear)', () => {
    const characters = Array.from({ length: 200 }, () => newRecoveryKey())
      .join('')
      .replace(/-/g, '')
      .split('');
    const seen = new Set(characters);
    expect(seen.size).toBe(32);
  });
});

import { describe, expect, it } from 'vitest';
import { passwordProblem } from './credential-rules';
import { GENERATED_PASSWORD_LENGTH, generatePassword } from './random-password';
import type { RandomSource } from './secure-context';

describe('generatePassword', () => {
  it('makes passwords that pass the password rules', () => {
    const password = generatePassword();
    expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
    expect(passwordProblem(password, 'alice')).toBeNull();
  });

  it('avoids characters that are easy to misread', () => {
    const sample = Array.from({ length: 50 }, () => generatePassword()).join('');
    expect(sample).not.toMatch(/[0O1lI]/);
  });

  it('skips values from the biased top of the range instead of wrapping them', () => {
    let call = 0;
    const source: RandomSource = {
      getRandomValues(array) {
        // First batch: only values above the rejection limit; second batch: zeros (alphabet's first char).
        array.fill(call === 0 ? 0xffff_ffff : 0);
        call += 1;
        return array;
      },
    };
    expect(generatePassword(4, source)).toBe('aaaa');
    expect(call).toBe(2);
  });
});

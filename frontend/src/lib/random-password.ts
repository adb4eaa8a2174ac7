import type { RandomSource } from './secure-context';

// No look-alikes (0/O, 1/l/I) so a password read aloud or off a screen survives being typed.
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.';

/** Default length of a generated password, in characters (about 117 bits with this alphabet). */
export const GENERATED_PASSWORD_LENGTH = 20;

/** A random password drawn uniformly from an unambiguous alphabet, using only `getRandomValues`. */
export function generatePassword(
  length: number = GENERATED_PASSWORD_LENGTH,
  source: RandomSource = globalThis.crypto,
): string {
  // Rejection sampling: drop values from the incomplete last block so every character is equally likely.
  const limit = Math.floor(0x1_0000_0000 / ALPHABET.length) * ALPHABET.length;
  let result = '';
  while (result.length < length) {
    for (const value of source.getRandomValues(new Uint32Array(length))) {
      if (value < limit && result.length < length) result += ALPHABET.charAt(value % ALPHABET.length);
    }
  }
  return result;
}

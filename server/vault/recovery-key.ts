import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a key copied by hand is hard to misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A recovery key for its own LUKS key slot: 200 random bits as 40 base32 characters in groups of five
 * (`7K2QM-…`), shown once at creation. Long enough that the key slot's PBKDF cost does not matter for it.
 */
export function newRecoveryKey(): string {
  const bytes = randomBytes(25);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{5}/g)?.join('-') ?? out;
}

import { describe, expect, it } from 'vitest';
import { randomId, type RandomSource } from './secure-context';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What `crypto` looks like on plain HTTP: getRandomValues, but no randomUUID. */
function insecureCrypto(fill: (bytes: Uint8Array) => void): RandomSource {
  return {
    getRandomValues(array) {
      fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    },
  };
}

describe('randomId', () => {
  it('uses crypto.randomUUID when the context offers it', () => {
    const source: RandomSource = {
      getRandomValues: () => {
        throw new Error('not expected');
      },
      randomUUID: () => '11111111-2222-4333-8444-555555555555',
    };
    expect(randomId(source)).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('falls back to getRandomValues and still yields a version 4 UUID', () => {
    const allOnes = insecureCrypto((bytes) => bytes.fill(0xff));
    expect(randomId(allOnes)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    const allZeros = insecureCrypto((bytes) => bytes.fill(0x00));
    expect(randomId(allZeros)).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('formats every byte, in order', () => {
    const counting = insecureCrypto((bytes) => {
      bytes.forEach((_, index) => (bytes[index] = index * 16 + index));
    });
    expect(randomId(counting)).toBe('00112233-4455-4677-8899-aabbccddeeff');
  });

  it('gives distinct ids from the real getRandomValues without randomUUID', () => {
    const source: RandomSource = { getRandomValues: (array) => globalThis.crypto.getRandomValues(array) };
    const ids = new Set(Array.from({ length: 200 }, () => randomId(source)));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('works with the default source', () => {
    expect(randomId()).toMatch(UUID_V4);
  });
});

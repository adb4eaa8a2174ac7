import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password-hasher.js';

const cheap = { memoryKiB: 19456, iterations: 2, parallelism: 1 };

describe('password hasher', () => {
  it('hashes with argon2id and verifies', async () => {
    const hasher = createPasswordHasher(cheap);
    const hash = await hasher.hash('a long enough secret');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hasher.verify(hash, 'a long enough secret')).toBe(true);
    expect(await hasher.verify(hash, 'a long enough secreT')).toBe(false);
    expect(await hasher.verifyDummy('anything')).toBe(false);
  });

  it('never runs more than two hashes at once', async () => {
    const hasher = createPasswordHasher(cheap);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, hasher.running)), 1);
    await Promise.all(Array.from({ length: 6 }, (_, i) => hasher.hash(`password number ${i}`)));
    clearInterval(sampler);
    expect(peak).toBe(2);
    expect(hasher.running).toBe(0);
  });

  it('asks for a rehash of hashes made with weaker settings', async () => {
    const weak = await createPasswordHasher(cheap).hash('a long enough secret');
    const stronger = createPasswordHasher({ ...cheap, memoryKiB: 32768 });
    expect(stronger.needsRehash(weak)).toBe(true);
    expect(stronger.needsRehash(await stronger.hash('x'.repeat(12)))).toBe(false);
  });
});

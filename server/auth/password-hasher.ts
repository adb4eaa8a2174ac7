import argon2 from 'argon2';
import { Semaphore } from '../lib/semaphore.js';

export interface Argon2Cost {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/**
 * argon2id hashing with a cap of two hashes at once: each takes ~64 MiB and most of a core, so a burst of
 * logins must queue rather than exhaust a small appliance's memory.
 */
export function createPasswordHasher(cost: Argon2Cost, maxConcurrent = 2) {
  const semaphore = new Semaphore(maxConcurrent);
  const options = {
    type: argon2.argon2id,
    memoryCost: cost.memoryKiB,
    timeCost: cost.iterations,
    parallelism: cost.parallelism,
  } as const;
  // Verified against when the user does not exist, so an unknown name costs the same time as a wrong password.
  let dummyHash: Promise<string> | undefined;

  const hash = (password: string): Promise<string> => semaphore.run(() => argon2.hash(password, options));
  const verify = (hashed: string, password: string): Promise<boolean> =>
    semaphore.run(() => argon2.verify(hashed, password));

  return {
    hash,
    verify,
    /** Spends a verification's worth of time and always answers false. */
    verifyDummy: async (password: string): Promise<false> => {
      dummyHash ??= hash('vigil-timing-equaliser');
      await verify(await dummyHash, password);
      return false;
    },
    /** True when a stored hash was made with weaker or different settings than today's. */
    needsRehash: (hashed: string): boolean => argon2.needsRehash(hashed, options),
    get running(): number {
      return semaphore.running;
    },
  };
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

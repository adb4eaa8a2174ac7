import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('allows ten failures per (account, IP) in a minute and refuses the eleventh attempt', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 10; i++) {
      expect(throttle.check('owner', '10.0.0.9', 1000 + i)).toEqual({ allowed: true });
      throttle.recordFailure('owner', '10.0.0.9', 1000 + i);
    }
    const verdict = throttle.check('owner', '10.0.0.9', 1010);
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('locks only the attacking address, never the owner on another address', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 50; i++) throttle.recordFailure('owner', '10.0.0.66', i);
    expect(throttle.check('owner', '10.0.0.66', 100).allowed).toBe(false);
    expect(throttle.check('owner', '10.0.0.2', 100)).toEqual({ allowed: true });
  });

  it('stops spraying across accounts from one IP', () => {
    const throttle = new LoginThrottle({ perIp: 30 });
    for (let i = 0; i < 30; i++) throttle.recordFailure(`user${i}`, '10.0.0.66', i);
    expect(throttle.check('someone-new', '10.0.0.66', 40).allowed).toBe(false);
  });

  it('doubles the lockout each time the same key is locked again', () => {
    const throttle = new LoginThrottle();
    const lockAt = (t: number) => {
      for (let i = 0; i < 10; i++) throttle.recordFailure('a', 'ip', t + i);
      const verdict = throttle.check('a', 'ip', t + 9);
      return verdict.allowed ? 0 : verdict.retryAfterSeconds;
    };
    expect(lockAt(0)).toBe(60);
    expect(lockAt(70_000)).toBe(120);
    expect(lockAt(200_000)).toBe(240);
  });

  it('forgets failures older than the window and resets a key on success', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 9; i++) throttle.recordFailure('a', 'ip', i);
    throttle.recordFailure('a', 'ip', 61_000); // the first nine have aged out
    expect(throttle.check('a', 'ip', 61_001)).toEqual({ allowed: true });
    for (let i = 0; i < 9; i++) throttle.recordFailure('b', 'ip2', i);
    throttle.recordSuccess('b', 'ip2');
    throttle.recordFailure('b', 'ip2', 10);
    expect(throttle.check('b', 'ip2', 11)).toEqual({ allowed: true });
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const throttle = new LoginThrottle({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure(`u${i}`, `ip${i}`, i);
    expect(throttle.size).toBeLessThanOrEqual(100);
    throttle.prune(10 ** 9);
    expect(throttle.size).toBe(0);
  });
});

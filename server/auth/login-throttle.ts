/** Tunables, all in milliseconds or counts. */
export interface ThrottleOptions {
  /** Sliding window over which failures count. Default 60 s. */
  windowMs: number;
  /** Failures allowed per (account, IP) inside the window; the next attempt is refused. Default 10. */
  perAccountIp: number;
  /** Failures allowed per IP across all accounts inside the window (stops password spraying). Default 30. */
  perIp: number;
  /** First lockout; each further lockout of the same key doubles it, up to maxLockMs. Default 60 s. */
  baseLockMs: number;
  /** Longest lockout. Default 15 min. */
  maxLockMs: number;
  /** Keys kept at most; the oldest are forgotten first, so memory stays bounded under a flood. Default 10 000. */
  maxKeys: number;
}

const DEFAULTS: ThrottleOptions = {
  windowMs: 60_000,
  perAccountIp: 10,
  perIp: 30,
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  maxKeys: 10_000,
};

interface KeyState {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
  lastFailure: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts failed sign-ins per (account, IP) and per IP, and refuses further attempts at once (never by
 * sleeping) while a key is locked. Keys are per source address, so someone elsewhere on the LAN who hammers
 * the owner's account locks out only themselves.
 */
export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly options: ThrottleOptions;

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  check(account: string, ip: string, now: number): ThrottleVerdict {
    let waitMs = 0;
    for (const key of [this.accountKey(account, ip), this.ipKey(ip)]) {
      const state = this.keys.get(key);
      if (state && state.lockedUntil > now) waitMs = Math.max(waitMs, state.lockedUntil - now);
    }
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } : { allowed: true };
  }

  /** Records a failure; returns true when it locked a key (worth an audit entry). */
  recordFailure(account: string, ip: string, now: number): boolean {
    const lockedAccount = this.fail(this.accountKey(account, ip), this.options.perAccountIp, now);
    const lockedIp = this.fail(this.ipKey(ip), this.options.perIp, now);
    return lockedAccount || lockedIp;
  }

  /** A success clears its own (account, IP) key only: one good login must not reset a spraying IP's count. */
  recordSuccess(account: string, ip: string): void {
    this.keys.delete(this.accountKey(account, ip));
  }

  /** Forgets keys with nothing left to remember. */
  prune(now: number): void {
    for (const [key, state] of this.keys) {
      const quietFor = now - state.lastFailure;
      if (
        state.lockedUntil <= now &&
        quietFor > Math.max(this.options.windowMs, this.options.maxLockMs * 2)
      ) {
        this.keys.delete(key);
      }
    }
  }

  get size(): number {
    return this.keys.size;
  }

  private fail(key: string, limit: number, now: number): boolean {
    const state = this.keys.get(key) ?? { failures: [], lockedUntil: 0, lockouts: 0, lastFailure: 0 };
    this.keys.delete(key); // re-insert so Map order is least-recently-failed first
    this.keys.set(key, state);
    state.failures = state.failures.filter((t) => t > now - this.options.windowMs);
    state.failures.push(now);
    state.lastFailure = now;
    let locked = false;
    if (state.failures.length >= limit) {
      const lockMs = Math.min(this.options.maxLockMs, this.options.baseLockMs * 2 ** state.lockouts);
      state.lockedUntil = now + lockMs;
      state.lockouts++;
      state.failures = [];
      locked = true;
    }
    while (this.keys.size > this.options.maxKeys) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
    return locked;
  }

  private accountKey(account: string, ip: string): string {
    return `a\u0000${account.toLowerCase()}\u0000${ip}`;
  }

  private ipKey(ip: string): string {
    return `i\u0000${ip}`;
  }
}

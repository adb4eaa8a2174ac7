import type { MediaErrorCode, WorkerToServer } from './protocol.js';
import { scrubSecrets } from './scrub.js';

type StillMessage = Extract<WorkerToServer, { type: 'still' }>;

/** Sends one message; calls back once it is written (or failed). Node's `process.send` fits. */
export type SendFn = (message: WorkerToServer, done: (error: Error | null) => void) => void;

/**
 * The worker's side of the typed channel. Every text goes through `scrubSecrets` with the credentials of the
 * current source; stills are "latest wins" (one in flight, newer ones replace waiting ones); `flush` waits for
 * what was sent so a worker does not exit with its last error unwritten.
 */
export class WorkerChannel {
  private readonly secrets: string[] = [];
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private stillInFlight = false;
  private pendingStill: StillMessage | null = null;

  constructor(
    private readonly sendFn: SendFn,
    private readonly connected: () => boolean,
  ) {}

  /** Credentials to remove from every text from now on. */
  addSecrets(secrets: readonly string[]): void {
    this.secrets.push(...secrets.filter((s) => s !== ''));
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  send(message: WorkerToServer): void {
    if (!this.connected()) return;
    this.inFlight += 1;
    this.sendFn(message, () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    });
  }

  error(code: MediaErrorCode, message: string, fatal: boolean): void {
    this.send({ type: 'error', code, message: this.scrub(message), fatal });
  }

  /** Sends a still unless one is still being written; then it waits, replaced by any newer one. */
  still(message: StillMessage): void {
    if (this.stillInFlight) {
      this.pendingStill = message;
      return;
    }
    if (!this.connected()) return;
    this.stillInFlight = true;
    this.inFlight += 1;
    this.sendFn(message, () => {
      this.inFlight -= 1;
      this.stillInFlight = false;
      const next = this.pendingStill;
      this.pendingStill = null;
      if (next !== null) this.still(next);
      if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    });
  }

  /** Resolves when every sent message is written, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0 || !this.connected()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

// Requests on the live socket that wait for an answer carrying the same `id`. Kept apart from the socket so
// matching, timeouts and "reject everything when the channel closes" are testable without one.
import { LiveError } from '../api/live-error';
import type { LiveServerMessage, LiveServerMessageOf, LiveServerMessageType } from '../api/types';

/** How long a request waits for its answer by default, in milliseconds. */
export const LIVE_REQUEST_TIMEOUT_MS = 15_000;

interface Entry {
  expect: LiveServerMessageType;
  resolve: (message: LiveServerMessage) => void;
  reject: (error: LiveError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
  readonly #entries = new Map<string, Entry>();

  /** Requests still waiting. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Waits for the answer to request `id`: the message of type `expect` with that id resolves it, an `error`
   * with that id rejects it with a LiveError carrying the server's code; nothing within `timeoutMs` rejects
   * with TIMEOUT.
   */
  wait<T extends LiveServerMessageType>(
    id: string,
    expect: T,
    timeoutMs: number = LIVE_REQUEST_TIMEOUT_MS,
  ): Promise<LiveServerMessageOf<T>> {
    if (this.#entries.has(id))
      return Promise.reject(new LiveError('INTERNAL', `Duplicate request id ${id}.`));
    return new Promise<LiveServerMessageOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#entries.delete(id);
        reject(new LiveError('TIMEOUT', 'The server did not answer in time.'));
      }, timeoutMs);
      this.#entries.set(id, {
        expect,
        // Only a message of type `expect` is ever passed here (see settle), so the narrowing holds.
        resolve: resolve as (message: LiveServerMessage) => void,
        reject,
        timer,
      });
    });
  }

  /** Settles the request `message` answers; returns whether it answered one. */
  settle(message: LiveServerMessage): boolean {
    const id = 'id' in message ? message.id : undefined;
    if (id === undefined) return false;
    const entry = this.#entries.get(id);
    if (!entry) return false;
    if (message.type === 'error') {
      this.#finish(id, entry);
      entry.reject(new LiveError(message.code, message.message));
      return true;
    }
    if (message.type !== entry.expect) return false;
    this.#finish(id, entry);
    entry.resolve(message);
    return true;
  }

  /** Rejects request `id` if it is still waiting, e.g. because it could not be sent. */
  cancel(id: string, error: LiveError): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#finish(id, entry);
    entry.reject(error);
  }

  /** Rejects every waiting request, e.g. because the socket closed and no answer can come any more. */
  rejectAll(error: LiveError): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const [, entry] of entries) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  #finish(id: string, entry: Entry): void {
    clearTimeout(entry.timer);
    this.#entries.delete(id);
  }
}

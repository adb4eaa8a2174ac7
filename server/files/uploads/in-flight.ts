import { vaultLocked } from '../../vault/vault-guard.js';

/**
 * What a safe lock has to wait for: the uploads' disk work under way (writes, creations, finalisations) and
 * how to cut the long ones short. `quiesce` refuses new work with VAULT_LOCKED, aborts the transfers, and
 * resolves once no disk work is left; `resume` lets uploads in again.
 */
export class InFlight {
  private accepting = true;
  private readonly work = new Set<Promise<unknown>>();
  private readonly aborts = new Set<() => void>();

  /** Throws VAULT_LOCKED while a lock is under way. */
  assertAccepting(): void {
    if (!this.accepting) throw vaultLocked();
  }

  /** Runs disk work that a lock must wait for. */
  track<T>(run: () => Promise<T>): Promise<T> {
    const promise = run();
    this.work.add(promise);
    const forget = () => this.work.delete(promise);
    void promise.then(forget, forget);
    return promise;
  }

  /** Registers how to abort a transfer when the vault locks; returns the function that unregisters it. */
  onAbort(abort: () => void): () => void {
    this.aborts.add(abort);
    return () => this.aborts.delete(abort);
  }

  async quiesce(): Promise<void> {
    this.accepting = false;
    for (const abort of [...this.aborts]) abort();
    // Finishing one piece of work can start another (a write's end starts its finalisation): wait until none.
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  resume(): void {
    this.accepting = true;
  }
}

import type { FastifyBaseLogger } from 'fastify';

/** Something that writes into the vault (uploads, the recorder) and can pause for a safe lock. */
export interface VaultWriter {
  name: string;
  /** Stop starting new writes, finish or abandon the ones under way (leaving nothing partial), flush. */
  quiesce(): Promise<void>;
  /** The lock failed (the volume is still mounted): writing may go on. */
  resume(): void;
}

/** The writers a safe lock waits for, each for at most the lock's grace period. */
export class VaultWriters {
  private readonly writers = new Set<VaultWriter>();

  /** Returns the function that removes the writer again. */
  register(writer: VaultWriter): () => void {
    this.writers.add(writer);
    return () => this.writers.delete(writer);
  }

  async quiesceAll(graceMs: number, log: FastifyBaseLogger): Promise<void> {
    await Promise.all(
      [...this.writers].map(async (writer) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs);
        });
        try {
          const outcome = await Promise.race([writer.quiesce().then(() => 'done' as const), late]);
          if (outcome === 'late') log.warn({ writer: writer.name }, 'vault writer did not stop in time');
        } catch (error) {
          log.error({ err: error, writer: writer.name }, 'vault writer failed to stop');
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  resumeAll(): void {
    for (const writer of this.writers) writer.resume();
  }
}

/**
 * Reusable buffers for upload batches (see requestBodyStream), given back once their bytes are on disk (see
 * streamToFile). A gigabyte of fresh 1 MiB batches was a gigabyte of garbage: V8 collects outside memory only
 * every few dozen megabytes, so the server's RSS rose by about 100 MB per upload (bench:files). With the pool an
 * upload allocates a few batches at its start and none after.
 *
 * Only the two ends of the upload path touch the bytes of a batch: requestBodyStream fills it, the file sink
 * writes it. The streams between them (tus's proxy and size limit, the byte counter) hand the same object on
 * and keep no reference, so a batch is free again once its write has finished. A batch that never reaches the
 * sink (a failed upload) is simply left to the garbage collector.
 */
export class BatchPool {
  private readonly free: Buffer[] = [];
  /** The backing memory of every batch this pool handed out and has not taken back. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(
    /** Bytes per batch. */
    readonly size: number,
    /** Free batches kept for reuse at most; the rest are left to the garbage collector. */
    private readonly keep: number,
  ) {}

  /** A batch of `size` bytes (old contents: the caller overwrites what it uses). */
  take(): Buffer {
    const batch = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.lent.add(batch.buffer);
    return batch;
  }

  /** Takes back the batch under `chunk` (any view of it) once nothing reads it any more; ignores other memory. */
  release(chunk: Uint8Array): void {
    if (!this.lent.delete(chunk.buffer)) return;
    if (this.free.length < this.keep) this.free.push(Buffer.from(chunk.buffer, 0, this.size));
  }

  /** Batches waiting for reuse (for tests). */
  get idle(): number {
    return this.free.length;
  }
}

/** The process's pool: 1 MiB batches, at most 16 MiB kept idle across all uploads. */
export const uploadBatches = new BatchPool(1024 * 1024, 16);

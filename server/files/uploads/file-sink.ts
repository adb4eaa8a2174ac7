import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { BatchPool } from './batch-pool.js';

/**
 * A file written from a stream, chunk after chunk from `start` on, that gives every upload batch back to its
 * pool once the batch's bytes are written. `fs.WriteStream` cannot say when it is done with a chunk. The file is
 * opened as the stream is constructed (flags `r+` to resume, `wx` for a new file; mode 0600) and closed when it
 * finishes or is destroyed, so `close` means the descriptor is gone.
 */
export class FileSink extends Writable {
  private handle: FileHandle | null = null;
  private position: number;
  /** Bytes on disk so far. */
  bytesWritten = 0;

  constructor(
    private readonly file: string,
    private readonly options: { flags: 'r+' | 'wx'; start: number; pool: BatchPool },
  ) {
    super({ highWaterMark: options.pool.size });
    this.position = options.start;
  }

  override _construct(done: (error?: Error | null) => void): void {
    open(this.file, this.options.flags, 0o600).then((handle) => {
      this.handle = handle;
      done();
    }, done);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writeAll(chunk).then(() => {
      this.options.pool.release(chunk);
      done();
    }, done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = null;
    if (handle === null) return done(error);
    handle.close().then(
      () => done(error),
      (closeError: unknown) => done(error ?? (closeError as Error)),
    );
  }

  /** A write may take fewer bytes than asked (a disk filling up): the rest follows, or the error does. */
  private async writeAll(chunk: Buffer): Promise<void> {
    const handle = this.handle;
    if (handle === null) throw new Error('the file is closed');
    for (let at = 0; at < chunk.length;) {
      const { bytesWritten } = await handle.write(chunk, at, chunk.length - at, this.position);
      at += bytesWritten;
      this.position += bytesWritten;
      this.bytesWritten += bytesWritten;
    }
  }
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchPool } from './batch-pool.js';
import { FileSink } from './file-sink.js';
import { requestBodyStream } from './request-body-stream.js';

const KIB = 1024;
let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('BatchPool', () => {
  it('reuses a released batch, ignores memory it did not lend, and keeps at most `keep` idle', () => {
    const pool = new BatchPool(4 * KIB, 1);
    const first = pool.take();
    const second = pool.take();
    pool.release(first.subarray(0, 10));
    pool.release(first); // twice: already back
    pool.release(Buffer.alloc(4 * KIB)); // not the pool's
    expect(pool.idle).toBe(1);
    pool.release(second); // over `keep`: left to the garbage collector
    expect(pool.idle).toBe(1);
    expect(pool.take().buffer).toBe(first.buffer);
    expect(pool.idle).toBe(0);
  });
});

describe('request body → FileSink through a pool', () => {
  it('writes concurrent uploads byte for byte while their batches are reused', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-batches-'));
    const pool = new BatchPool(256 * KIB, 4);
    const bodies = [randomBytes(3 * 1024 * KIB + 5), randomBytes(2 * 1024 * KIB + 77)];
    let taken = 0;
    const take = pool.take.bind(pool);
    pool.take = () => {
      taken += 1;
      return take();
    };
    await Promise.all(
      bodies.map(async (body, i) => {
        const file = path.join(dir, `upload-${i}`);
        writeFileSync(file, '');
        const request = new PassThrough();
        const writing = pipeline(
          Readable.fromWeb(requestBodyStream(request, pool) as WebReadableStream),
          new FileSink(file, { flags: 'r+', start: 0, pool }),
        );
        // The socket's way: 64 KiB reads, a turn of the event loop now and then.
        for (let at = 0; at < body.length; at += 64 * KIB) {
          request.write(body.subarray(at, at + 64 * KIB));
          if ((at / (64 * KIB)) % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        request.end();
        await writing;
        expect(readFileSync(file).equals(body)).toBe(true);
      }),
    );
    // Twenty-odd batches went through, from a handful of buffers.
    expect(taken).toBeGreaterThan(10);
    expect(pool.idle).toBeGreaterThan(0);
    expect(pool.idle).toBeLessThanOrEqual(4);
  });

  it('resumes at an offset, and refuses to create a file that exists', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-batches-'));
    const pool = new BatchPool(64 * KIB, 2);
    const file = path.join(dir, 'partial');
    writeFileSync(file, 'hello ');
    await pipeline(
      Readable.from([Buffer.from('vault')]),
      new FileSink(file, { flags: 'r+', start: 6, pool }),
    );
    expect(readFileSync(file, 'utf8')).toBe('hello vault');
    await expect(
      pipeline(Readable.from([Buffer.from('x')]), new FileSink(file, { flags: 'wx', start: 0, pool })),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('hello vault');
  });
});

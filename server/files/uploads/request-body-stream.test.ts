import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { requestBodyStream } from './request-body-stream.js';

const KIB = 1024;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('requestBodyStream', () => {
  it('hands the body on whole, in 1 MiB batches and a short last one', async () => {
    const source = new PassThrough();
    const body = randomBytes(2 * 1024 * KIB + 100);
    const reading = readAll(requestBodyStream(source));
    for (let at = 0; at < body.length; at += 64 * KIB) source.write(body.subarray(at, at + 64 * KIB));
    source.end();
    const chunks = await reading;
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([1024 * KIB, 1024 * KIB, 100]);
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('stops taking the request while a batch waits unread, and goes on when it is read', async () => {
    const source = new PassThrough({ highWaterMark: 64 * KIB });
    const reader = requestBodyStream(source).getReader();
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < 64; i++) {
        written += 64 * KIB;
        if (!source.write(Buffer.alloc(64 * KIB))) await once(source, 'drain');
      }
      source.end();
    })();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    // One batch queued, one being gathered, the source's own buffers: nowhere near the 4 MiB on offer.
    expect(source.isPaused()).toBe(true);
    expect(written).toBeLessThan(2.5 * 1024 * KIB);
    const before = written;
    expect((await reader.read()).value?.byteLength).toBe(1024 * KIB);
    await settle();
    expect(written).toBeGreaterThanOrEqual(before + 1024 * KIB);
    for (let result = await reader.read(); !result.done; result = await reader.read());
    await writer;
    expect(written).toBe(4 * 1024 * KIB);
  });

  it("hands a slow sender's bytes on at the end of each turn, without waiting for a full batch", async () => {
    const source = new PassThrough();
    const reader = requestBodyStream(source).getReader();
    source.write(Buffer.alloc(100 * KIB));
    expect((await reader.read()).value?.byteLength).toBe(100 * KIB);
    source.write(Buffer.alloc(10));
    source.write(Buffer.alloc(20));
    expect((await reader.read()).value?.byteLength).toBe(30);
    source.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('errors, dropping the unfinished batch, when the request is cut off before its end', async () => {
    const source = new PassThrough();
    const reading = readAll(requestBodyStream(source));
    source.write(Buffer.alloc(100 * KIB));
    source.destroy();
    await expect(reading).rejects.toThrow(/premature close/i);
  });
});

import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** Bytes per read: a gigabyte is a thousand reads. */
const CHUNK = 1024 * 1024;

/**
 * Writes bytes `start`..`end` (inclusive) of an open file to `response`, ends it and closes the file. Reads
 * alternate between two buffers reused for the whole file: one is on its way to the socket while the next read
 * fills the other, and a buffer is refilled only after its write has left. `createReadStream` allocates a fresh
 * buffer per read instead; over a 1 GiB download that was a gigabyte of garbage, a full collection every 64 MB
 * and about a tenth of the server's time on this 2-core machine (bench:files).
 *
 * A client that goes away stops the reads. A read that fails (the disk yanked mid-download) cuts the connection
 * off, so the client sees a short body, never a wrong one, and the error is rethrown for the log.
 */
export async function pumpFile(
  file: FileHandle,
  start: number,
  end: number,
  response: ServerResponse,
): Promise<void> {
  const buffers = [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
  const writes: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  const client = { gone: response.destroyed };
  // A destroyed socket may never call back a pending write: closing releases the waits too.
  const closed = new Promise<void>((resolve) =>
    response.once('close', () => {
      client.gone = true;
      resolve();
    }),
  );
  try {
    for (let position = start, turn = 0; position <= end && !client.gone; turn ^= 1) {
      await writes[turn];
      if (response.destroyed) break;
      const buffer = buffers[turn] as Buffer;
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, end + 1 - position), position);
      if (bytesRead === 0) throw new Error(`the file ended ${end + 1 - position} bytes early`);
      position += bytesRead;
      const written = new Promise<void>((resolve) =>
        response.write(buffer.subarray(0, bytesRead), () => resolve()),
      );
      writes[turn] = Promise.race([written, closed]);
    }
    await Promise.all(writes);
    if (!client.gone) response.end();
  } catch (error) {
    response.destroy();
    throw error;
  } finally {
    await file.close();
  }
}

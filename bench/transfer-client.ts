import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/**
 * The bench's side of a transfer, kept lean so that the server is what gets measured: it moves the bytes
 * through two reused 1 MiB buffers, as `dd bs=1M` does, instead of allocating a buffer per chunk (a gigabyte of
 * short-lived buffers in the bench's own large heap cost it seconds of garbage collection on this 2-core machine,
 * taken from the server under test).
 */
const CHUNK = 1024 * 1024;

/** Sends `file` (all `size` bytes) as the body of one request; answers its status and headers. */
export async function sendFile(
  url: string,
  options: { method: string; headers: Record<string, string>; file: string; size: number },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const outgoing = httpRequest(url, { method: options.method, headers: options.headers });
  const answered = new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      outgoing.on('error', reject);
      outgoing.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      });
    },
  );
  const buffers = [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
  // A buffer is refilled only once its previous write has reached the socket; the other one is on its way meanwhile.
  const writes: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  const file = await open(options.file, 'r');
  try {
    for (let sent = 0, turn = 0; sent < options.size; turn ^= 1) {
      await writes[turn];
      const buffer = buffers[turn] as Buffer;
      const { bytesRead: read } = await file.read(buffer, 0, Math.min(CHUNK, options.size - sent), sent);
      if (read === 0) throw new Error(`${options.file} is shorter than ${options.size} bytes`);
      sent += read;
      writes[turn] = new Promise((resolve, reject) =>
        outgoing.write(buffer.subarray(0, read), (error) => (error ? reject(error) : resolve())),
      );
    }
    await Promise.all(writes);
  } finally {
    await file.close();
  }
  outgoing.end();
  return answered;
}

/**
 * GETs `path` and writes the body to `target`, then fsyncs it (as `dd conv=fsync`). The socket reads into one
 * reused buffer (`onread`), so nothing is allocated per chunk. Answers the status and the bytes written.
 */
export function receiveFile(
  host: string,
  port: number,
  path: string,
  headers: Record<string, string>,
  target: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(target, 'w');
    let head = '';
    let status = 0;
    let bytes = 0;
    const socket = connect({
      host,
      port,
      onread: {
        buffer: Buffer.allocUnsafeSlow(CHUNK),
        callback: (length, buffer) => {
          // The buffer given is the Buffer passed in as `buffer` above.
          let body = (buffer as Buffer).subarray(0, length);
          if (status === 0) {
            head += body.toString('latin1');
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) return true;
            status = Number(head.slice(9, 12));
            body = body.subarray(body.length - (head.length - end - 4));
          }
          writeSync(fd, body);
          bytes += body.length;
          return true;
        },
      },
    });
    socket.on('error', reject);
    socket.on('end', () => {
      fsyncSync(fd);
      closeSync(fd);
      resolve({ status, bytes });
    });
    const lines = Object.entries({ ...headers, host: `${host}:${port}`, connection: 'close' })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`GET ${path} HTTP/1.1\r\n${lines}\r\n`);
  });
}

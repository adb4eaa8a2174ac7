import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestApp } from '../support/test-app.js';

/** The app listening on 127.0.0.1 (tus and busboy read real sockets), and its base URL. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** tus Upload-Metadata: comma-separated `key base64(value)` pairs. */
export function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

export interface TusClient {
  create(
    length: number,
    metadata: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response>;
  patch(location: string, offset: number, body: Buffer, headers?: Record<string, string>): Promise<Response>;
  head(location: string): Promise<Response>;
  remove(location: string): Promise<Response>;
  /** Creates, then sends everything in one PATCH; returns the final PATCH's response. */
  upload(data: Buffer, metadata: Record<string, string>): Promise<Response>;
}

/** A raw tus 1.0 client over fetch, signed in with `cookie`. */
export function tusClient(base: string, cookie: string): TusClient {
  const tus = { 'tus-resumable': '1.0.0', cookie };
  const client: TusClient = {
    create: (length, metadata, headers = {}) =>
      fetch(`${base}/api/uploads`, {
        method: 'POST',
        headers: {
          ...tus,
          'upload-length': String(length),
          'upload-metadata': tusMetadata(metadata),
          ...headers,
        },
      }),
    patch: (location, offset, body, headers = {}) =>
      fetch(new URL(location, base), {
        method: 'PATCH',
        headers: {
          ...tus,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
          ...headers,
        },
        body,
      }),
    head: (location) => fetch(new URL(location, base), { method: 'HEAD', headers: tus }),
    remove: (location) => fetch(new URL(location, base), { method: 'DELETE', headers: tus }),
    async upload(data, metadata) {
      const created = await client.create(data.length, metadata);
      if (created.status !== 201) return created;
      return client.patch(created.headers.get('location') ?? '', 0, data);
    },
  };
  return client;
}

/**
 * Sends a PATCH whose body stops after `sent` of `data.length` bytes and then drops the connection, as a
 * browser does when the network goes away mid-upload. Resolves once the socket is gone.
 */
export function interruptedPatch(
  base: string,
  location: string,
  cookie: string,
  data: Buffer,
  sent: number,
): Promise<void> {
  const url = new URL(location, base);
  return new Promise((resolve) => {
    const request = httpRequest(url, {
      method: 'PATCH',
      headers: {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(data.length),
      },
    });
    request.on('error', () => resolve()); // the reset we caused
    request.on('close', () => resolve());
    request.write(data.subarray(0, sent), () => {
      // Let the server read and store what was sent before the line drops.
      setTimeout(() => request.destroy(), 300);
    });
  });
}

/** Every file under a folder (relative paths), for "nothing else appeared" checks. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

export const readHash = (file: string) => sha256(readFileSync(file));

/** Polls until `check` holds (server-side effects of a dropped connection land a moment later). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A multipart body for one file part, split so a test can send its head now and the rest later. */
export function multipartParts(name: string, boundary: string): { head: string; tail: string } {
  return {
    head:
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
    tail: `\r\n--${boundary}--\r\n`,
  };
}

/** A streamed request (chunked, no Content-Length): its status, or the error code if the line was cut. */
export interface StreamedRequest {
  write(chunk: Buffer | string): Promise<void>;
  end(chunk?: Buffer | string): void;
  outcome: Promise<number | string>;
}

export function streamedRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
): StreamedRequest {
  const request = httpRequest(url, { method, headers });
  const outcome = new Promise<number | string>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  return {
    write: (chunk) =>
      new Promise((resolve) => {
        request.write(chunk, () => resolve());
      }),
    end: (chunk) => {
      request.end(chunk);
    },
    outcome,
  };
}

// A safe lock while uploads are under way: the lock succeeds, the transfers stop, nothing partial is left in
// files/, multipart partials are removed, and tus partials stay (inside the vault) for the client to resume.
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  eventually,
  filesUnder,
  listen,
  multipartParts,
  readHash,
  sha256,
  streamedRequest,
  tusClient,
  type TusClient,
} from './uploads-support.js';

let t: TestApp;
let base = '';
let vaultDir = '';
let filesDir = '';
let editor = '';
let admin = '';
let client: TusClient;

beforeEach(async () => {
  t = await startTestApp();
  vaultDir = path.join(t.dataDir, 'dev-vault');
  filesDir = path.join(vaultDir, 'files');
  editor = (await t.userWithSession('editor')).cookie;
  admin = (await t.userWithSession('admin')).cookie;
  base = await listen(t);
  client = tusClient(base, editor);
});
afterEach(() => t.close());

const lock = () =>
  t.inject({ method: 'POST', url: '/api/vault/lock', headers: { cookie: admin }, payload: {} });
const unlock = () =>
  t.inject({
    method: 'POST',
    url: '/api/vault/unlock',
    headers: { cookie: admin },
    payload: { passphrase: 'dev vault' },
  });

describe('safe lock during uploads', () => {
  it('stops a multipart upload in progress and removes its partial', async () => {
    const partials = path.join(vaultDir, '.uploads', 'multipart');
    const boundary = 'vigil-test-boundary';
    const { head } = multipartParts('big.bin', boundary);
    const request = streamedRequest(`${base}/api/files/upload?path=/`, 'POST', {
      cookie: editor,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    await request.write(head);
    await request.write(randomBytes(512 * 1024));
    await eventually(() => filesUnder(partials).length === 1);

    const locked = await lock();
    expect(locked.statusCode).toBe(200);
    expect(locked.json().state).toBe('locked');
    // The connection was cut: there is no one left to answer.
    expect(await request.outcome).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    expect(filesUnder(filesDir)).toEqual([]);
    expect(filesUnder(partials)).toEqual([]);
    const form = () => {
      const data = new FormData();
      data.append('file', new Blob(['after']), 'after.txt');
      return data;
    };
    const whileLocked = await fetch(`${base}/api/files/upload`, {
      method: 'POST',
      headers: { cookie: editor },
      body: form(),
    });
    expect(whileLocked.status).toBe(423);
    expect(await whileLocked.json()).toMatchObject({ code: 'VAULT_LOCKED' });

    // After unlock, uploads are welcome again.
    expect((await unlock()).json().state).toBe('unlocked');
    const after = await fetch(`${base}/api/files/upload`, {
      method: 'POST',
      headers: { cookie: editor },
      body: form(),
    });
    expect(after.status).toBe(201);
    expect(filesUnder(filesDir)).toEqual(['after.txt']);
  });

  it('stops a tus PATCH in progress with 423, keeps its partial inside the vault, and resumes after unlock', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const created = await client.create(data.length, { filename: 'movie.mkv' });
    const location = created.headers.get('location') ?? '';
    const partial = path.join(vaultDir, '.uploads', 'tus', location.split('/').pop() ?? '');
    const request = streamedRequest(new URL(location, base).href, 'PATCH', {
      cookie: editor,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': String(data.length),
    });
    await request.write(data.subarray(0, 700 * 1024));
    await eventually(() => statSync(partial).size > 0);

    const locked = await lock();
    expect(locked.json().state).toBe('locked');
    const outcome = await request.outcome;
    expect([423, 'ECONNRESET', 'EPIPE']).toContain(outcome);
    expect(filesUnder(filesDir)).toEqual([]);
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(data.length);

    expect((await unlock()).json().state).toBe('unlocked');
    const head = await client.head(location);
    expect(Number(head.headers.get('upload-offset'))).toBe(kept);
    const rest = await client.patch(location, kept, data.subarray(kept));
    expect(rest.status).toBe(204);
    expect(readHash(path.join(filesDir, 'movie.mkv'))).toBe(sha256(data));
  });

  it('finalises at the next HEAD an upload whose last byte arrived but whose move never happened', async () => {
    const data = randomBytes(1000);
    const created = await client.create(data.length, { filename: 'edge.bin' });
    const location = created.headers.get('location') ?? '';
    // As a lock (or a power cut) between the last byte and the move leaves it: complete, still in .uploads.
    writeFileSync(path.join(vaultDir, '.uploads', 'tus', location.split('/').pop() ?? ''), data);
    expect(filesUnder(filesDir)).toEqual([]);

    const head = await client.head(location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(data.length));
    expect(decodeURIComponent(head.headers.get('vigil-upload-path') ?? '')).toBe('/edge.bin');
    expect(readHash(path.join(filesDir, 'edge.bin'))).toBe(sha256(data));
    expect(filesUnder(path.join(vaultDir, '.uploads', 'tus'))).toEqual([]);
  });
});

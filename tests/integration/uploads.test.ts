import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  eventually,
  filesUnder,
  interruptedPatch,
  listen,
  readHash,
  sha256,
  tusClient,
  type TusClient,
} from './uploads-support.js';

let t: TestApp;
let base = '';
let vaultDir = '';
let filesDir = '';
let tusDir = '';
let editor = '';
let admin = '';
let client: TusClient;

async function start(env: Record<string, string> = {}, options: { now?: () => Date } = {}) {
  t = await startTestApp(env, options);
  vaultDir = path.join(t.dataDir, 'dev-vault');
  filesDir = path.join(vaultDir, 'files');
  tusDir = path.join(vaultDir, '.uploads', 'tus');
  editor = (await t.userWithSession('editor')).cookie;
  admin = (await t.userWithSession('admin')).cookie;
  mkdirSync(path.join(filesDir, 'Docs'), { recursive: true });
  base = await listen(t);
  client = tusClient(base, editor);
}
afterEach(() => t.close());

/** Uploads with the real tus client, as the front end does (Uppy uses tus-js-client). */
function tusJsUpload(
  data: Buffer,
  metadata: Record<string, string>,
  options: { uploadDataDuringCreation?: boolean } = {},
) {
  return new Promise<{ url: string | null }>((resolve, reject) => {
    const upload = new tus.Upload(data, {
      endpoint: `${base}/api/uploads`,
      metadata,
      headers: { cookie: editor },
      retryDelays: null,
      chunkSize: 64 * 1024,
      ...options,
      onError: reject,
      onSuccess: () => resolve({ url: upload.url }),
    });
    upload.start();
  });
}

describe('tus uploads', () => {
  beforeEach(() => start());

  it('resumes an interrupted upload byte for byte; the partial lives only under .uploads', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const created = await client.create(data.length, { filename: 'video.mp4', path: '/Docs' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const id = location.split('/').pop() ?? '';

    await interruptedPatch(base, location, editor, data, 1024 * 1024 + 5);
    let offset = 0;
    await eventually(async () => {
      const head = await client.head(location);
      offset = Number(head.headers.get('upload-offset'));
      return head.status === 200 && offset > 0;
    });
    expect(offset).toBeLessThan(data.length);
    expect(statSync(path.join(tusDir, id)).size).toBe(offset);
    expect(filesUnder(filesDir)).toEqual([]);

    const rest = await client.patch(location, offset, data.subarray(offset));
    expect(rest.status).toBe(204);
    expect(Number(rest.headers.get('upload-offset'))).toBe(data.length);
    expect(rest.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeURIComponent(rest.headers.get('vigil-upload-path') ?? '')).toBe('/Docs/video.mp4');
    expect(readHash(path.join(filesDir, 'Docs', 'video.mp4'))).toBe(sha256(data));
    expect(filesUnder(filesDir)).toEqual(['Docs/video.mp4']);
    expect(filesUnder(tusDir)).toEqual([]);
    // Finished and forgotten: the URL is gone.
    expect((await client.head(location)).status).toBe(404);
  });

  it('works with tus-js-client, in chunks', async () => {
    const data = randomBytes(200 * 1024);
    await tusJsUpload(data, { filename: 'photo.jpg', filetype: 'image/jpeg', path: '/Docs' });
    expect(readHash(path.join(filesDir, 'Docs', 'photo.jpg'))).toBe(sha256(data));
    const listing = await t.inject({
      method: 'GET',
      url: '/api/files?path=/Docs',
      headers: { cookie: editor },
    });
    expect(listing.json().entries).toMatchObject([{ name: 'photo.jpg', size: data.length }]);
    // creation-with-upload: the first chunk rides on the POST.
    await tusJsUpload(data, { filename: 'photo.jpg', path: '/Docs' }, { uploadDataDuringCreation: true });
    expect(readHash(path.join(filesDir, 'Docs', 'photo (2).jpg'))).toBe(sha256(data));
    expect(filesUnder(tusDir)).toEqual([]);
  });

  it('applies the conflict policy: rename (default), overwrite, fail', async () => {
    writeFileSync(path.join(filesDir, 'Docs', 'report.pdf'), 'original');
    const one = await client.upload(Buffer.from('second'), { filename: 'report.pdf', path: '/Docs' });
    expect(decodeURIComponent(one.headers.get('vigil-upload-path') ?? '')).toBe('/Docs/report (2).pdf');
    await client.upload(Buffer.from('third'), { filename: 'report.pdf', path: '/Docs', conflict: 'rename' });
    expect(readFileSync(path.join(filesDir, 'Docs', 'report (3).pdf'), 'utf8')).toBe('third');

    const replaced = await client.upload(Buffer.from('replaced'), {
      filename: 'report.pdf',
      path: '/Docs',
      conflict: 'overwrite',
    });
    expect(replaced.status).toBe(204);
    expect(readFileSync(path.join(filesDir, 'Docs', 'report.pdf'), 'utf8')).toBe('replaced');

    // fail: refused at creation when the name is already taken…
    const refused = await client.create(5, { filename: 'report.pdf', path: '/Docs', conflict: 'fail' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
    // …and at the last byte when it was taken meanwhile; the partial goes.
    const created = await client.create(5, { filename: 'late.txt', path: '/Docs', conflict: 'fail' });
    writeFileSync(path.join(filesDir, 'Docs', 'late.txt'), 'first');
    const last = await client.patch(created.headers.get('location') ?? '', 0, Buffer.from('later'));
    expect(last.status).toBe(409);
    expect(last.headers.get('content-type')).toContain('application/json');
    expect(await last.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(readFileSync(path.join(filesDir, 'Docs', 'late.txt'), 'utf8')).toBe('first');
    expect(filesUnder(tusDir)).toEqual([]);
    expect(filesUnder(filesDir)).toEqual([
      'Docs/late.txt',
      'Docs/report (2).pdf',
      'Docs/report (3).pdf',
      'Docs/report.pdf',
    ]);

    const bad = await client.create(5, { filename: 'x.txt', conflict: 'sometimes' });
    expect(bad.status).toBe(400);
  });

  it('refuses uploads over the size limit with 413', async () => {
    await t.close();
    await start({ VIGIL_UPLOAD_MAX_BYTES: '1000' });
    const tooBig = await client.create(1001, { filename: 'big.bin' });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const options = await fetch(`${base}/api/uploads`, { method: 'OPTIONS', headers: { cookie: editor } });
    expect(options.headers.get('tus-max-size')).toBe('1000');
    // A body longer than the declared length is refused too, and nothing lands in files/.
    const created = await client.create(1000, { filename: 'fits.bin' });
    const over = await client.patch(created.headers.get('location') ?? '', 0, randomBytes(1001));
    expect(over.status).toBe(413);
    expect(filesUnder(filesDir)).toEqual([]);
  });

  it('answers 423 VAULT_LOCKED while locked, for creation, PATCH and HEAD; resumes after unlock', async () => {
    const data = randomBytes(4000);
    const created = await client.create(data.length, { filename: 'later.bin' });
    const location = created.headers.get('location') ?? '';
    expect((await client.patch(location, 0, data.subarray(0, 1000))).status).toBe(204);

    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json().state).toBe('locked');
    const answers = [
      await client.create(10, { filename: 'new.bin' }),
      await client.patch(location, 1000, data.subarray(1000)),
      await client.head(location),
      await client.remove(location),
      await fetch(`${base}/api/uploads`, { method: 'OPTIONS', headers: { cookie: editor } }),
    ];
    for (const answer of answers) expect(answer.status).toBe(423);
    expect(await answers[0]?.json()).toMatchObject({ code: 'VAULT_LOCKED' });

    const unlock = await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'anything' },
    });
    expect(unlock.json().state).toBe('unlocked');
    expect((await client.head(location)).headers.get('upload-offset')).toBe('1000');
    expect((await client.patch(location, 1000, data.subarray(1000))).status).toBe(204);
    expect(readHash(path.join(filesDir, 'later.bin'))).toBe(sha256(data));
  });

  it('lets only the owner resume or cancel an upload, and cancelling removes the partial', async () => {
    const created = await client.create(10, { filename: 'mine.txt' });
    const location = created.headers.get('location') ?? '';
    const other = tusClient(base, (await t.userWithSession('editor')).cookie);
    expect((await other.head(location)).status).toBe(404);
    expect((await other.patch(location, 0, Buffer.from('0123456789'))).status).toBe(404);
    expect((await other.remove(location)).status).toBe(404);
    expect(filesUnder(tusDir)).toHaveLength(2); // the partial and its info
    expect((await client.remove(location)).status).toBe(204);
    expect(filesUnder(tusDir)).toEqual([]);
    expect((await client.head(location)).status).toBe(404);
  });
});

describe('tus uploads: expiry', () => {
  it('removes partial uploads older than the expiry, by the injected clock', async () => {
    let clock = Date.now();
    await start({ VIGIL_UPLOAD_EXPIRY_HOURS: '24' }, { now: () => new Date(clock) });
    const owner = await t.userWithSession('editor');
    client = tusClient(base, owner.cookie);
    const old = (await client.create(100, { filename: 'old.bin' })).headers.get('location') ?? '';
    expect((await client.patch(old, 0, randomBytes(10))).status).toBe(204);
    clock += 23 * 3_600_000;
    const fresh = (await client.create(100, { filename: 'fresh.bin' })).headers.get('location') ?? '';
    // A multipart partial a crash left behind, judged by its mtime.
    const leftovers = path.join(vaultDir, '.uploads', 'multipart');
    mkdirSync(leftovers, { recursive: true });
    writeFileSync(path.join(leftovers, 'crashed.part'), 'half a file');
    clock += 2 * 3_600_000; // old: 25 h, fresh: 2 h, the leftover: 25 h

    expect(await t.app.vigil.services.uploads.sweepExpired()).toBe(2);
    const id = (location: string) => location.split('/').pop() ?? '';
    expect(filesUnder(tusDir)).toEqual([id(fresh), `${id(fresh)}.json`].sort());
    expect(filesUnder(leftovers)).toEqual([]);
    client = tusClient(base, await t.cookieFor(owner.id)); // sessions age with the same clock
    expect((await client.head(old)).status).toBe(404);
    expect((await client.head(fresh)).status).toBe(200);

    // Locked: the sweep leaves the vault alone.
    const locked = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: (await t.userWithSession('admin')).cookie },
      payload: {},
    });
    expect(locked.json().state).toBe('locked');
    clock += 48 * 3_600_000;
    expect(await t.app.vigil.services.uploads.sweepExpired()).toBe(0);
    expect(filesUnder(tusDir)).toHaveLength(2);
  });
});

describe('tus uploads: who may', () => {
  beforeEach(() => start());

  it('refuses viewers (403), anonymous callers (401) and other origins (403)', async () => {
    const viewer = tusClient(base, (await t.userWithSession('viewer')).cookie);
    const byViewer = await viewer.create(10, { filename: 'a.txt' });
    expect(byViewer.status).toBe(403);
    expect(await byViewer.json()).toMatchObject({ code: 'FORBIDDEN' });

    const anonymous = tusClient(base, '');
    expect((await anonymous.create(10, { filename: 'a.txt' })).status).toBe(401);

    const created = await client.create(10, { filename: 'a.txt' });
    const location = created.headers.get('location') ?? '';
    expect((await viewer.patch(location, 0, Buffer.from('0123456789'))).status).toBe(403);
    expect((await anonymous.patch(location, 0, Buffer.from('0123456789'))).status).toBe(401);

    const crossOrigin = { origin: 'http://evil.example' };
    const post = await client.create(10, { filename: 'a.txt' }, crossOrigin);
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ code: 'ORIGIN_MISMATCH' });
    expect((await client.patch(location, 0, Buffer.from('0123456789'), crossOrigin)).status).toBe(403);
    const sameOrigin = await client.patch(location, 0, Buffer.from('0123456789'), { origin: base });
    expect(sameOrigin.status).toBe(204);
    expect(filesUnder(filesDir)).toEqual(['a.txt']);
  });
});

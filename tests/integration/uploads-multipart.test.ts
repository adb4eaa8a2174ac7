import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { filesUnder, listen } from './uploads-support.js';

let t: TestApp;
let base = '';
let filesDir = '';
let partialsDir = '';
let editor = '';

async function start(env: Record<string, string> = {}) {
  t = await startTestApp(env);
  filesDir = path.join(t.dataDir, 'dev-vault', 'files');
  partialsDir = path.join(t.dataDir, 'dev-vault', '.uploads', 'multipart');
  mkdirSync(path.join(filesDir, 'Docs'), { recursive: true });
  editor = (await t.userWithSession('editor')).cookie;
  base = await listen(t);
}
afterEach(() => t.close());

function form(parts: [field: string, name: string, content: string | Buffer][]): FormData {
  const data = new FormData();
  for (const [field, name, content] of parts) data.append(field, new Blob([content]), name);
  return data;
}

const upload = (
  body: FormData,
  query = 'path=/Docs',
  headers: Record<string, string> = {},
  cookie = editor,
) => fetch(`${base}/api/files/upload?${query}`, { method: 'POST', headers: { cookie, ...headers }, body });

describe('multipart uploads', () => {
  beforeEach(() => start());

  it('stores several parts; a bad one does not stop the others; hostile names are reduced', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const response = await upload(
      form([
        ['file', 'a.txt', 'alpha'],
        ['file', '../../evil.txt', 'evil'],
        ['file', '..', 'nothing left of the name'],
        ['other', 'wrong-field.txt', 'wrong part name'],
        ['file', 'drawing.svg', svg],
        ['file', 'page.html', '<script>alert(1)</script>'],
      ]),
    );
    expect(response.status).toBe(201);
    const result = (await response.json()) as {
      uploaded: { path: string; name: string; size: number }[];
      failed: { name: string; code: string }[];
    };
    expect(result.uploaded.map((u) => u.path)).toEqual([
      '/Docs/a.txt',
      '/Docs/evil.txt',
      '/Docs/drawing.svg',
      '/Docs/page.html',
    ]);
    expect(result.uploaded[0]).toMatchObject({ name: 'a.txt', size: 5, type: 'file', mime: 'text/plain' });
    expect(result.failed.map((f) => f.code)).toEqual(['INVALID_NAME', 'VALIDATION_FAILED']);
    expect(readFileSync(path.join(filesDir, 'Docs', 'evil.txt'), 'utf8')).toBe('evil');
    expect(readFileSync(path.join(filesDir, 'Docs', 'drawing.svg'), 'utf8')).toBe(svg);
    expect(filesUnder(filesDir)).toEqual([
      'Docs/a.txt',
      'Docs/drawing.svg',
      'Docs/evil.txt',
      'Docs/page.html',
    ]);
    expect(filesUnder(partialsDir)).toEqual([]);
    // Stored as sent; the download route is what keeps it from running (attachment, nosniff, sandbox).
    const download = await t.inject({
      method: 'GET',
      url: '/api/files/download?path=/Docs/drawing.svg',
      headers: { cookie: editor },
    });
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
  });

  it('applies the conflict policy from the query', async () => {
    writeFileSync(path.join(filesDir, 'Docs', 'a.txt'), 'original');
    const renamed = await upload(form([['file', 'a.txt', 'two']]));
    expect(((await renamed.json()) as { uploaded: { path: string }[] }).uploaded[0]?.path).toBe(
      '/Docs/a (2).txt',
    );
    const refused = await upload(form([['file', 'a.txt', 'three']]), 'path=/Docs&conflict=fail');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      code: 'ALREADY_EXISTS',
      details: { failed: [{ name: 'a.txt', code: 'ALREADY_EXISTS' }] },
    });
    const replaced = await upload(form([['file', 'a.txt', 'replaced']]), 'path=/Docs&conflict=overwrite');
    expect(replaced.status).toBe(201);
    expect(readFileSync(path.join(filesDir, 'Docs', 'a.txt'), 'utf8')).toBe('replaced');
    expect(filesUnder(path.join(filesDir, 'Docs'))).toEqual(['a (2).txt', 'a.txt']);
    expect(filesUnder(partialsDir)).toEqual([]);
  });

  it('refuses a bad folder, a bad policy, an empty form and a body that is not multipart', async () => {
    const bad = await upload(form([['file', 'a.txt', 'x']]), `path=${encodeURIComponent('/../etc')}`);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_PATH' });
    const missing = await upload(form([['file', 'a.txt', 'x']]), 'path=/nope');
    expect(missing.status).toBe(404);
    const notFolder = await upload(form([['file', 'a.txt', 'x']]), 'path=/Docs/a.txt');
    expect(notFolder.status).toBe(404);
    writeFileSync(path.join(filesDir, 'plain.txt'), 'x');
    expect(await (await upload(form([['file', 'a.txt', 'x']]), 'path=/plain.txt')).json()).toMatchObject({
      code: 'NOT_A_FOLDER',
    });
    expect((await upload(form([['file', 'a.txt', 'x']]), 'conflict=sometimes')).status).toBe(400);
    const empty = new FormData();
    empty.append('note', 'no files here');
    expect((await upload(empty)).status).toBe(400);
    const json = await fetch(`${base}/api/files/upload`, {
      method: 'POST',
      headers: { cookie: editor, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(filesUnder(filesDir)).toEqual(['plain.txt']);
  });

  it('refuses viewers (403), anonymous callers (401) and other origins (403)', async () => {
    const viewer = (await t.userWithSession('viewer')).cookie;
    const body = () => form([['file', 'a.txt', 'x']]);
    expect((await upload(body(), 'path=/Docs', {}, viewer)).status).toBe(403);
    expect((await upload(body(), 'path=/Docs', {}, '')).status).toBe(401);
    const crossOrigin = await upload(body(), 'path=/Docs', { origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(await crossOrigin.json()).toMatchObject({ code: 'ORIGIN_MISMATCH' });
    expect(filesUnder(filesDir)).toEqual([]);
  });
});

describe('multipart uploads: size limit', () => {
  beforeEach(() => start({ VIGIL_UPLOAD_MAX_BYTES: '1000' }));

  it('fails a part over the limit with 413 and keeps the others; nothing partial stays', async () => {
    const mixed = await upload(
      form([
        ['file', 'big.bin', randomBytes(5000)],
        ['file', 'small.txt', 'fits'],
      ]),
    );
    expect(mixed.status).toBe(201);
    expect(await mixed.json()).toMatchObject({
      uploaded: [{ name: 'small.txt' }],
      failed: [{ name: 'big.bin', code: 'PAYLOAD_TOO_LARGE' }],
    });
    const alone = await upload(form([['file', 'big.bin', randomBytes(5000)]]));
    expect(alone.status).toBe(413);
    expect(await alone.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(filesUnder(filesDir)).toEqual(['Docs/small.txt']);
    expect(filesUnder(partialsDir)).toEqual([]);
  });
});

import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { zipEntryNames } from '../support/zip-entries.js';

let t: TestApp;
let filesDir = '';
let admin = '';
let editor = '';
let viewer = '';

beforeEach(async () => {
  t = await startTestApp();
  filesDir = path.join(t.dataDir, 'dev-vault', 'files');
  admin = (await t.userWithSession('admin')).cookie;
  editor = (await t.userWithSession('editor')).cookie;
  viewer = (await t.userWithSession('viewer')).cookie;
  mkdirSync(path.join(filesDir, 'Photos', '2026'), { recursive: true });
  writeFileSync(path.join(filesDir, 'Photos', 'cat.jpg'), Buffer.alloc(1000, 7));
  writeFileSync(path.join(filesDir, 'notes.txt'), 'hello vault\n');
  writeFileSync(
    path.join(filesDir, 'evil.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
  );
  writeFileSync(path.join(filesDir, 'page.html'), '<script>alert(1)</script>');
});
afterEach(() => t.close());

const get = (cookie: string, url: string, headers: Record<string, string> = {}) =>
  t.inject({ method: 'GET', url, headers: { cookie, ...headers } });
const post = (cookie: string, url: string, payload: object) =>
  t.inject({ method: 'POST', url, headers: { cookie }, payload });

describe('files: reading', () => {
  it('lists a folder sorted (folders first), with sizes, times and types', async () => {
    const root = (await get(viewer, '/api/files?path=/')).json<{
      path: string;
      entries: { name: string }[];
    }>();
    expect(root.path).toBe('/');
    expect(root.entries.map((e) => e.name)).toEqual(['Photos', 'evil.svg', 'notes.txt', 'page.html']);
    expect(root.entries[2]).toMatchObject({ type: 'file', size: 12, mime: 'text/plain' });
    const photos = (await get(viewer, '/api/files?path=/Photos')).json();
    expect(photos.entries).toMatchObject([
      { name: '2026', type: 'dir' },
      { name: 'cat.jpg', mime: 'image/jpeg' },
    ]);
    expect((await get(viewer, '/api/files/stat?path=/Photos/cat.jpg')).json()).toMatchObject({
      path: '/Photos/cat.jpg',
      size: 1000,
    });
    expect((await get(viewer, '/api/files?path=/nope')).json().code).toBe('NOT_FOUND');
  });

  it('pages past 1,000 entries', async () => {
    mkdirSync(path.join(filesDir, 'many'));
    for (let i = 0; i < 1005; i++) writeFileSync(path.join(filesDir, 'many', `f${i}`), '');
    const first = (await get(viewer, '/api/files?path=/many')).json();
    expect(first.entries).toHaveLength(1000);
    expect(first.total).toBe(1005);
    const rest = (await get(viewer, '/api/files?path=/many&offset=1000')).json<{
      entries: { name: string }[];
    }>();
    expect(rest.entries.map((e) => e.name)).toEqual(['f1000', 'f1001', 'f1002', 'f1003', 'f1004']);
  });

  it('downloads with Range, ETag, Content-Disposition, nosniff and a sandbox CSP on every response', async () => {
    const full = await get(viewer, '/api/files/download?path=/notes.txt');
    expect(full.statusCode).toBe(200);
    expect(full.body).toBe('hello vault\n');
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    expect(full.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(full.headers['content-disposition']).toMatch(/^attachment; filename="notes.txt"/);
    const part = await get(viewer, '/api/files/download?path=/notes.txt', { range: 'bytes=6-10' });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe('vault');
    expect(part.headers['content-range']).toBe('bytes 6-10/12');
    const suffix = await get(viewer, '/api/files/download?path=/notes.txt', { range: 'bytes=-3' });
    expect(suffix.body).toBe('lt\n');
    expect(
      (await get(viewer, '/api/files/download?path=/notes.txt', { range: 'bytes=50-60' })).statusCode,
    ).toBe(416);
    const etag = String(full.headers.etag);
    expect(
      (await get(viewer, '/api/files/download?path=/notes.txt', { 'if-none-match': etag })).statusCode,
    ).toBe(304);
  });

  it('sends files of several read buffers whole and in any range, never cached; HEAD sends no body', async () => {
    // 2.5 MiB plus a byte: three 1 MiB reads, the last one short, through both alternating buffers.
    const content = randomBytes(2.5 * 1024 * 1024 + 1);
    writeFileSync(path.join(filesDir, 'big.bin'), content);
    const url = '/api/files/download?path=/big.bin';
    const full = await get(viewer, url);
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-length']).toBe(String(content.length));
    expect(full.headers['cache-control']).toBe('no-store');
    expect(full.headers['x-request-id']).toBeTruthy();
    expect(full.rawPayload.equals(content)).toBe(true);
    // A range across the first buffer boundary and into the third read.
    const [start, end] = [1024 * 1024 - 5, 2 * 1024 * 1024 + 7];
    const part = await get(viewer, url, { range: `bytes=${start}-${end}` });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(content.subarray(start, end + 1))).toBe(true);
    const head = await t.inject({ method: 'HEAD', url, headers: { cookie: viewer } });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(content.length));
    expect(head.rawPayload.length).toBe(0);
    writeFileSync(path.join(filesDir, 'empty.txt'), '');
    const empty = await get(viewer, '/api/files/download?path=/empty.txt');
    expect([empty.statusCode, empty.rawPayload.length]).toEqual([200, 0]);
  });

  it('previews safe types inline; never renders SVG or HTML', async () => {
    const image = await get(viewer, '/api/files/download?path=/Photos/cat.jpg&inline=true');
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['content-disposition']).toMatch(/^inline/);
    for (const name of ['evil.svg', 'page.html']) {
      const inline = await get(viewer, `/api/files/download?path=/${name}&inline=true`);
      expect(inline.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(inline.headers['content-security-policy']).toMatch(/^sandbox/);
      const attached = await get(viewer, `/api/files/download?path=/${name}`);
      expect(attached.headers['content-type']).toBe('application/octet-stream');
      expect(attached.headers['content-disposition']).toMatch(/^attachment/);
    }
  });

  it('zips files and folders as a stream, with relative entry names only', async () => {
    const zip = await post(viewer, '/api/files/zip', { paths: ['/Photos', '/notes.txt'] });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const names = zipEntryNames(zip.rawPayload);
    expect(names.sort()).toEqual(['Photos/', 'Photos/2026/', 'Photos/cat.jpg', 'notes.txt']);
    const viaGet = await get(viewer, '/api/files/zip?path=/notes.txt');
    expect(zipEntryNames(viaGet.rawPayload)).toEqual(['notes.txt']);
  });
});

describe('files: writing', () => {
  it('makes folders, renames, moves, copies; viewers cannot', async () => {
    expect((await post(viewer, '/api/files/mkdir', { path: '/New' })).statusCode).toBe(403);
    expect((await post(editor, '/api/files/mkdir', { path: '/New' })).statusCode).toBe(201);
    expect((await post(editor, '/api/files/mkdir', { path: '/New' })).json().code).toBe('ALREADY_EXISTS');
    expect(
      (await post(editor, '/api/files/rename', { path: '/notes.txt', name: 'notes.md' })).json().path,
    ).toBe('/notes.md');
    const moved = (
      await post(editor, '/api/files/move', { paths: ['/notes.md', '/missing'], to: '/New' })
    ).json();
    expect(moved).toMatchObject({ moved: ['/notes.md'], failed: [{ path: '/missing', code: 'NOT_FOUND' }] });
    const copied = (await post(admin, '/api/files/copy', { paths: ['/Photos'], to: '/New' })).json();
    expect(copied.copied).toEqual(['/Photos']);
    expect(readFileSync(path.join(filesDir, 'New', 'Photos', 'cat.jpg'))).toEqual(Buffer.alloc(1000, 7));
    expect(
      (await post(editor, '/api/files/move', { paths: ['/New'], to: '/New/Photos' })).json().failed[0].code,
    ).toBe('INVALID_MOVE');
  });

  it('deletes in batches that never stop at the first failure; trash keeps, restores and empties', async () => {
    const result = (
      await post(editor, '/api/files/delete', { paths: ['/missing', '/notes.txt', '/', '/Photos'] })
    ).json<{ deleted: string[]; failed: { code: string }[] }>();
    expect(result.deleted).toEqual(['/notes.txt', '/Photos']);
    expect(result.failed.map((f) => f.code)).toEqual(['NOT_FOUND', 'ROOT_REFUSED']);
    expect(existsSync(path.join(filesDir, 'notes.txt'))).toBe(false);
    const trash = (await get(editor, '/api/trash')).json().entries as { id: string; originalPath: string }[];
    expect(trash.map((e) => e.originalPath).sort()).toEqual(['/Photos', '/notes.txt']);
    const note = trash.find((e) => e.originalPath === '/notes.txt')!;
    expect((await post(editor, '/api/trash/restore', { ids: [note.id] })).json().restored).toEqual([note.id]);
    expect(readFileSync(path.join(filesDir, 'notes.txt'), 'utf8')).toBe('hello vault\n');
    expect((await post(editor, '/api/trash/empty', {})).json().deleted).toBe(1);
    expect(
      (await post(editor, '/api/files/delete', { paths: ['/notes.txt'], permanent: true })).json().deleted,
    ).toEqual(['/notes.txt']);
    expect((await get(editor, '/api/trash')).json().entries).toEqual([]);
  });

  it('answers 423 VAULT_LOCKED on every route while the vault is locked', async () => {
    await post(admin, '/api/vault/lock', {});
    const calls = [
      get(viewer, '/api/files?path=/'),
      get(viewer, '/api/files/stat?path=/notes.txt'),
      get(viewer, '/api/files/download?path=/notes.txt'),
      post(viewer, '/api/files/zip', { paths: ['/notes.txt'] }),
      post(editor, '/api/files/mkdir', { path: '/x' }),
      post(editor, '/api/files/rename', { path: '/notes.txt', name: 'y' }),
      post(editor, '/api/files/move', { paths: ['/notes.txt'], to: '/Photos' }),
      post(editor, '/api/files/copy', { paths: ['/notes.txt'], to: '/Photos' }),
      post(editor, '/api/files/delete', { paths: ['/notes.txt'] }),
      get(editor, '/api/trash'),
      post(editor, '/api/trash/empty', {}),
    ];
    for (const response of await Promise.all(calls)) {
      expect(response.statusCode).toBe(423);
      expect(response.json().code).toBe('VAULT_LOCKED');
    }
  });
});

describe('files: another file system mounted inside the files root', () => {
  it('moves across devices (copy, fsync, size check, unlink) and answers 507 when it is full, leaving nothing partial', async () => {
    const usb = path.join(filesDir, 'usb');
    mkdirSync(usb);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', usb]);
    try {
      writeFileSync(path.join(filesDir, 'first.bin'), Buffer.alloc(600 * 1024, 1));
      writeFileSync(path.join(filesDir, 'second.bin'), Buffer.alloc(600 * 1024, 2));
      const moved = (await post(editor, '/api/files/move', { paths: ['/first.bin'], to: '/usb' })).json();
      expect(moved, JSON.stringify(moved)).toEqual({ moved: ['/first.bin'], failed: [] });
      expect(existsSync(path.join(filesDir, 'first.bin'))).toBe(false);
      expect(readFileSync(path.join(usb, 'first.bin'))).toEqual(Buffer.alloc(600 * 1024, 1));

      const full = (await post(editor, '/api/files/move', { paths: ['/second.bin'], to: '/usb' })).json();
      expect(full.failed).toMatchObject([{ path: '/second.bin', code: 'INSUFFICIENT_STORAGE' }]);
      expect(readdirSync(usb)).toEqual(['first.bin']);
      expect(readFileSync(path.join(filesDir, 'second.bin'))).toEqual(Buffer.alloc(600 * 1024, 2));
      const copy = (await post(editor, '/api/files/copy', { paths: ['/second.bin'], to: '/usb' })).json();
      expect(copy.failed[0].code).toBe('INSUFFICIENT_STORAGE');
      expect(readdirSync(usb)).toEqual(['first.bin']);
    } finally {
      execFileSync('umount', ['-l', usb]);
    }
  });
});

describe('files: symlinks', () => {
  it('refuses a symlink planted by hand, and one swapped in during an operation (undone, nothing outside)', async () => {
    const outside = path.join(t.dataDir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret'), 'system disk');
    symlinkSync(outside, path.join(filesDir, 'link'));
    for (const url of [
      '/api/files?path=/link',
      '/api/files/download?path=/link/secret',
      '/api/files/stat?path=/link',
    ]) {
      const response = await get(admin, url);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('SYMLINK_REFUSED');
    }
    expect((await post(admin, '/api/files/mkdir', { path: '/link/new' })).json().code).toBe(
      'SYMLINK_REFUSED',
    );

    // The race: after /Photos/2026/new is resolved, /Photos/2026 becomes a symlink to outside.
    t.app.vigil.services.files.root.raceHook = (_resolved, operation) => {
      if (operation !== 'mkdir') return;
      const victim = path.join(filesDir, 'Photos', '2026');
      rmSync(victim, { recursive: true });
      symlinkSync(outside, victim);
    };
    const raced = await post(admin, '/api/files/mkdir', { path: '/Photos/2026/new' });
    expect(raced.json().code).toBe('SYMLINK_REFUSED');
    expect(readdirSync(outside)).toEqual(['secret']);
  });
});

import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Role } from '../../server/db/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTsSegment } from '../support/clips.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { zipEntryNames } from '../support/zip-entries.js';
import { hostilePaths } from './path-corpus.js';
import { listen, tusClient } from './uploads-support.js';

// The vault's recordings/ in the file manager (`root=recordings`): every role lists, downloads and zips real
// MPEG-TS segments; every change through the file routes is 403 READ_ONLY and leaves the disk as it was; and
// paths stay inside recordings/ as strictly as they stay inside files/.
describe('files: recordings/ read-only', () => {
  let t: TestApp;
  let base = '';
  let vaultDir = '';
  let recordingsDir = '';
  let filesDir = '';
  let segment = Buffer.alloc(0);
  const cookies = {} as Record<Role, string>;
  const day = '2026-05-01';
  const name = '1777636800000-s1-000001.ts';
  const segmentPath = `/7/${day}/${name}`;

  const get = (role: Role, url: string, headers: Record<string, string> = {}) =>
    t.inject({ method: 'GET', url, headers: { cookie: cookies[role], ...headers } });
  const post = (role: Role, url: string, payload: object) =>
    t.inject({ method: 'POST', url, headers: { cookie: cookies[role] }, payload });

  /** Every entry under the vault (the app's own database and the audit log excepted) with its size and mtime. */
  const snapshot = (): string[] => {
    const out: string[] = [];
    const walk = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const full = path.join(at, entry.name);
        const stat = statSync(full, { throwIfNoEntry: false });
        out.push(`${full} ${stat?.size ?? '-'} ${stat?.mtimeMs ?? '-'}`);
        if (entry.isDirectory()) walk(full);
      }
    };
    walk(vaultDir);
    return out.filter((line) => !/vault\.db/.test(line)).sort();
  };

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ['viewer', 'editor', 'admin'] as const)
      cookies[role] = (await t.userWithSession(role)).cookie;
    vaultDir = t.app.vigil.services.vault.mountPoint;
    recordingsDir = path.join(vaultDir, 'recordings');
    filesDir = path.join(vaultDir, 'files');
    const dayDir = path.join(recordingsDir, '7', day);
    mkdirSync(dayDir, { recursive: true });
    await makeTsSegment(path.join(dayDir, name), 2);
    segment = readFileSync(path.join(dayDir, name));
    // A segment the recorder is still writing beside its final name (writeFileDurably): never listed or zipped.
    writeFileSync(path.join(dayDir, `${name}.0b4c6f0e-1d2a-4c1e-9a51-5f7f3c1b2a10.partial`), 'half');
    mkdirSync(path.join(recordingsDir, '9'));
    mkdirSync(path.join(filesDir, 'Docs'), { recursive: true });
    writeFileSync(path.join(filesDir, 'notes.txt'), 'a files-side marker');
    // Outside every root: what an escape would reach.
    mkdirSync(path.join(t.dataDir, 'outside'));
    writeFileSync(path.join(t.dataDir, 'outside', 'secret'), 'system disk secret');
    symlinkSync(path.join(t.dataDir, 'outside'), path.join(recordingsDir, '9', 'link'));
    base = await listen(t);
  });
  afterAll(() => t.close());

  it.each(['viewer', 'editor', 'admin'] as const)(
    'lets a %s list the cameras, days and segments (partials hidden)',
    async (role) => {
      const top = await get(role, '/api/files?root=recordings');
      expect(top.statusCode).toBe(200);
      expect(top.json<{ entries: { name: string }[] }>().entries.map((e) => e.name)).toEqual(['7', '9']);
      const days = (await get(role, '/api/files?root=recordings&path=/7')).json();
      expect(days.entries).toMatchObject([{ name: day, type: 'dir' }]);
      const files = (await get(role, `/api/files?root=recordings&path=/7/${day}`)).json();
      expect(files).toMatchObject({ path: `/7/${day}`, total: 1 });
      expect(files.entries).toMatchObject([{ name, type: 'file', size: segment.length, mime: 'video/mp2t' }]);
      expect((await get(role, `/api/files/stat?root=recordings&path=${segmentPath}`)).json()).toMatchObject({
        path: segmentPath,
        size: segment.length,
      });
      // The same path without the root is a files/ path, where nothing of it exists.
      expect((await get(role, `/api/files?path=/7`)).json().code).toBe('NOT_FOUND');
    },
  );

  it.each(['viewer', 'editor', 'admin'] as const)(
    'lets a %s download a segment whole and in ranges, and zip a day (GET and POST)',
    async (role) => {
      const url = `/api/files/download?root=recordings&path=${encodeURIComponent(segmentPath)}`;
      const full = await get(role, url);
      expect(full.statusCode).toBe(200);
      expect(full.rawPayload.equals(segment)).toBe(true);
      expect(full.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="${name}"`));
      expect(full.headers['content-security-policy']).toMatch(/^sandbox/);
      const part = await get(role, url, { range: 'bytes=188-375' });
      expect(part.statusCode).toBe(206);
      expect(part.rawPayload.equals(segment.subarray(188, 376))).toBe(true);

      const zipped = await get(role, `/api/files/zip?root=recordings&path=/7/${day}`);
      expect(zipped.statusCode).toBe(200);
      expect(zipped.headers['content-disposition']).toMatch(new RegExp(`filename="${day}.zip"`));
      expect(zipEntryNames(zipped.rawPayload)).toEqual([`${day}/`, `${day}/${name}`]);
      const posted = await post(role, '/api/files/zip', { root: 'recordings', paths: [segmentPath, '/9'] });
      expect(posted.statusCode).toBe(200);
      // The planted symlink in 9/ is left out, as in files/.
      expect(zipEntryNames(posted.rawPayload).sort()).toEqual([name, '9/']);
      const everything = await get(role, '/api/files/zip?root=recordings&path=/');
      expect(everything.headers['content-disposition']).toMatch(/filename="vigil-recordings.zip"/);
      expect(zipEntryNames(everything.rawPayload)).toContain(`7/${day}/${name}`);
    },
  );

  it.each(['editor', 'admin'] as const)(
    'refuses a %s every change with 403 READ_ONLY, and nothing changes on disk',
    async (role) => {
      const before = snapshot();
      const root = 'recordings';
      const refusals = [
        post(role, '/api/files/mkdir', { root, path: '/7/new' }),
        post(role, '/api/files/rename', { root, path: segmentPath, name: 'renamed.ts' }),
        // Out of recordings/ and into it: the paths of one request are in one root, so both are this.
        post(role, '/api/files/move', { root, paths: [segmentPath], to: '/9' }),
        post(role, '/api/files/move', { root, paths: ['/notes.txt'], to: '/7' }),
        post(role, '/api/files/copy', { root, paths: [segmentPath], to: '/9' }),
        post(role, '/api/files/delete', { root, paths: [segmentPath] }),
        post(role, '/api/files/delete', { root, paths: ['/7'], permanent: true }),
      ];
      for (const response of await Promise.all(refusals)) {
        expect(response.statusCode, response.body).toBe(403);
        expect(response.json()).toMatchObject({ code: 'READ_ONLY', message: /managed by retention/ });
      }

      const form = new FormData();
      form.append('file', new Blob(['planted']), 'planted.ts');
      const multipart = await fetch(`${base}/api/files/upload?root=recordings&path=/7`, {
        method: 'POST',
        headers: { cookie: cookies[role] },
        body: form,
      });
      expect(multipart.status).toBe(403);
      expect(((await multipart.json()) as { code: string }).code).toBe('READ_ONLY');

      const tus = await tusClient(base, cookies[role]).create(7, {
        filename: 'planted.ts',
        path: '/7',
        root: 'recordings',
      });
      expect(tus.status).toBe(403);
      expect(((await tus.json()) as { code: string }).code).toBe('READ_ONLY');
      const unknownRoot = await tusClient(base, cookies[role]).create(7, {
        filename: 'a.ts',
        root: 'snapshots',
      });
      expect(unknownRoot.status).toBe(400);

      expect(snapshot()).toEqual(before);
      expect((await get(role, '/api/trash')).json().entries).toEqual([]);
    },
  );

  it('keeps files/ writable, and the trash holds nothing from recordings/', async () => {
    const made = await post('editor', '/api/files/mkdir', { root: 'files', path: '/Exports' });
    expect(made.statusCode).toBe(201);
    expect(statSync(path.join(filesDir, 'Exports')).isDirectory()).toBe(true);
    expect((await post('editor', '/api/files/delete', { paths: ['/Exports'] })).json().deleted).toEqual([
      '/Exports',
    ]);
  });

  it('never leaves recordings/ (.., encodings, symlinks) and never reaches it from files/', async () => {
    const before = snapshot();
    const problems: string[] = [];
    const q = encodeURIComponent;
    for (const input of [...hostilePaths(), '/9/link', '/9/link/secret', '/../files/notes.txt']) {
      for (const response of await Promise.all([
        get('admin', `/api/files?root=recordings&path=${q(input)}`),
        get('admin', `/api/files/stat?root=recordings&path=${q(input)}`),
        get('admin', `/api/files/download?root=recordings&path=${q(input)}`),
        get('admin', `/api/files/zip?root=recordings&path=${q(input)}`),
        post('admin', '/api/files/zip', { root: 'recordings', paths: [input] }),
      ])) {
        if (
          response.statusCode < 400 ||
          response.statusCode >= 500 ||
          !/"code":"[A-Z_]+"/.test(response.body)
        )
          problems.push(`${input} → ${response.statusCode} ${response.body.slice(0, 120)}`);
        if (response.body.includes('system disk secret') || response.body.includes('files-side marker'))
          problems.push(`LEAK ${input}`);
      }
    }
    expect(problems).toEqual([]);
    expect((await get('admin', '/api/files?root=recordings&path=/9/link')).json().code).toBe(
      'SYMLINK_REFUSED',
    );
    expect((await get('admin', '/api/files?root=recordings&path=/9')).json().entries).toMatchObject([
      { name: 'link', type: 'other' },
    ]);
    // An unknown root is a validation failure, never some other folder of the vault.
    for (const root of ['snapshots', '..', 'recordings/..', '']) {
      const response = await get('admin', `/api/files?root=${q(root)}`);
      expect(response.statusCode, root).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }

    // From files/: a path up into recordings/ is refused, and a symlink planted there is not followed.
    expect(snapshot()).toEqual(before);
    symlinkSync(recordingsDir, path.join(filesDir, 'recordings-link'));
    const planted = snapshot();
    const up = await post('admin', '/api/files/move', { paths: ['/notes.txt'], to: '/../recordings/7' });
    expect(up.json().code).toBe('INVALID_PATH');
    const through = await post('admin', '/api/files/delete', {
      paths: [`/recordings-link${segmentPath}`],
      permanent: true,
    });
    expect(through.json().failed).toMatchObject([{ code: 'SYMLINK_REFUSED' }]);
    const into = await post('admin', '/api/files/move', { paths: ['/notes.txt'], to: '/recordings-link/7' });
    expect(into.json().code).toBe('SYMLINK_REFUSED');
    expect(snapshot()).toEqual(planted);
  });

  it('answers 423 VAULT_LOCKED for recordings/ while the vault is locked, reads included', async () => {
    expect((await post('admin', '/api/vault/lock', {})).statusCode).toBeLessThan(300);
    for (const response of [
      await get('viewer', '/api/files?root=recordings'),
      await get('viewer', `/api/files/download?root=recordings&path=${segmentPath}`),
      await post('viewer', '/api/files/zip', { root: 'recordings', paths: ['/7'] }),
    ]) {
      expect(response.statusCode).toBe(423);
      expect(response.json().code).toBe('VAULT_LOCKED');
    }
  });
});

// Hostile tus metadata: every bad folder refused at creation with a 4xx and a code, every bad name reduced to a
// safe base name or refused, never a 500, and never a byte outside files/.
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { hostilePaths } from './path-corpus.js';
import { filesUnder, listen, tusClient, type TusClient } from './uploads-support.js';

let t: TestApp;
let client: TusClient;
let filesDir = '';
let outside = '';

beforeAll(async () => {
  t = await startTestApp();
  filesDir = path.join(t.dataDir, 'dev-vault', 'files');
  mkdirSync(path.join(filesDir, 'Photos'), { recursive: true });
  writeFileSync(path.join(filesDir, 'notes.txt'), 'notes');
  outside = path.join(t.dataDir, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'system disk secret');
  symlinkSync(outside, path.join(filesDir, 'link'));
  client = tusClient(await listen(t), (await t.userWithSession('editor')).cookie);
});
afterAll(() => t.close());

/** Everything under the data dir outside the vault (vigil.db changes with every session). */
const outsideVault = () =>
  filesUnder(t.dataDir).filter((file) => !file.startsWith('dev-vault/') && !file.startsWith('vigil.db'));

describe('hostile tus metadata', () => {
  it('refuses every hostile folder at creation with a 4xx and a code', async () => {
    const before = outsideVault();
    const problems: string[] = [];
    // tus cannot tell an empty value from no value: `path` with nothing in it means the default folder.
    for (const input of hostilePaths().filter((p) => p !== '')) {
      const response = await client.create(5, { filename: 'x.txt', path: input });
      const body = await response.text();
      // Paths of thousands of bytes make a header over Node's 16 KiB limit: the HTTP parser refuses those first.
      if (response.status === 431) continue;
      if (response.status < 400 || response.status >= 500 || !/"code":"[A-Z_]+"/.test(body)) {
        problems.push(`${JSON.stringify(input)} → ${response.status} ${body.slice(0, 100)}`);
      }
    }
    expect(problems).toEqual([]);
    const onFile = await client.create(5, { filename: 'x.txt', path: '/notes.txt' });
    expect(await onFile.json()).toMatchObject({ code: 'NOT_A_FOLDER' });
    const missing = await client.create(5, { filename: 'x.txt', path: '/nope' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(outsideVault()).toEqual(before);
    expect(filesUnder(path.join(t.dataDir, 'dev-vault', '.uploads'))).toEqual([]);
  });

  it('reduces hostile file names to a safe base name, or refuses them', async () => {
    const before = outsideVault();
    const cases: [string, string | { code: string }][] = [
      ['../../etc/passwd', 'passwd'],
      ['a/../../b.txt', 'b.txt'],
      ['C:\\x', 'x'],
      ['..\\..\\windows\\win.ini', 'win.ini'],
      ['a\u0000b.txt', 'ab.txt'],
      ['bell\u0007\u001b[31m.txt', 'bell[31m.txt'],
      ['\u202egpj.exe', 'gpj.exe'],
      ['~/.ssh/authorized_keys', 'authorized_keys'],
      ['trailing. . ', 'trailing'],
      ['..', { code: 'INVALID_NAME' }],
      ['../..', { code: 'INVALID_NAME' }],
      ['%2e%2e', { code: 'INVALID_NAME' }],
      ['%252e%252e', { code: 'INVALID_NAME' }],
      ['a%2fb', { code: 'INVALID_NAME' }],
      ['C:', { code: 'INVALID_NAME' }],
      ['file:x', { code: 'INVALID_NAME' }],
      ['a'.repeat(256), { code: 'INVALID_NAME' }],
      ['é'.repeat(128), { code: 'INVALID_NAME' }],
      ['', { code: 'VALIDATION_FAILED' }],
    ];
    for (const [filename, expected] of cases) {
      const label = JSON.stringify(filename);
      const response = await client.upload(Buffer.from(label), { filename, path: '/Photos' });
      if (typeof expected === 'string') {
        expect(response.status, label).toBe(204);
        expect(decodeURIComponent(response.headers.get('vigil-upload-path') ?? ''), label).toBe(
          `/Photos/${expected}`,
        );
        expect(readFileSync(path.join(filesDir, 'Photos', expected), 'utf8'), label).toBe(label);
      } else {
        expect(response.status, label).toBe(400);
        expect(await response.json(), label).toMatchObject(expected);
      }
    }
    const stored = cases.flatMap(([, expected]) =>
      typeof expected === 'string' ? [`Photos/${expected}`] : [],
    );
    expect(filesUnder(path.join(filesDir, 'Photos')).map((f) => `Photos/${f}`)).toEqual(stored.sort());
    expect(outsideVault()).toEqual(before);
    expect(readdirSync(outside)).toEqual(['secret']);
    expect(filesUnder(path.join(t.dataDir, 'dev-vault', '.uploads'))).toEqual([]);
  });

  it('undoes a finalisation that a symlink swapped in mid-operation redirected', async () => {
    mkdirSync(path.join(filesDir, 'Inbox'));
    const created = await client.create(5, { filename: 'payload.sh', path: '/Inbox' });
    expect(created.status).toBe(201);
    t.app.vigil.services.files.root.raceHook = (_resolved, operation) => {
      if (operation !== 'upload') return;
      rmSync(path.join(filesDir, 'Inbox'), { recursive: true });
      symlinkSync(outside, path.join(filesDir, 'Inbox'));
    };
    try {
      const raced = await client.patch(created.headers.get('location') ?? '', 0, Buffer.from('evil!'));
      expect(raced.status).toBe(400);
      expect(await raced.json()).toMatchObject({ code: 'SYMLINK_REFUSED' });
    } finally {
      t.app.vigil.services.files.root.raceHook = null;
    }
    expect(readdirSync(outside)).toEqual(['secret']);
    expect(filesUnder(path.join(t.dataDir, 'dev-vault', '.uploads'))).toEqual([]);
  });
});

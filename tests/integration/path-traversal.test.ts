// The traversal corpus on every file route: 0 escapes, and every refusal a 4xx with a code (never a 500).
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { hostileNames, hostilePaths } from './path-corpus.js';

let t: TestApp;
let cookie = '';
let filesDir = '';

/** Every file under a folder with its size and mtime, to prove nothing changed. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      out.push(`${full} ${stat?.size ?? '-'} ${stat?.mtimeMs ?? '-'}`);
      if (stat?.isDirectory() === true && name !== 'link') walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  t = await startTestApp();
  cookie = (await t.userWithSession('admin')).cookie;
  filesDir = path.join(t.dataDir, 'dev-vault', 'files');
  mkdirSync(path.join(filesDir, 'Photos'), { recursive: true });
  writeFileSync(path.join(filesDir, 'Photos', 'cat.jpg'), 'jpeg');
  writeFileSync(path.join(filesDir, 'notes.txt'), 'notes');
  mkdirSync(path.join(t.dataDir, 'outside'));
  writeFileSync(path.join(t.dataDir, 'outside', 'secret'), 'system disk secret');
  symlinkSync(path.join(t.dataDir, 'outside'), path.join(filesDir, 'link'));
});
afterAll(() => t.close());

describe('hostile paths on every file route', () => {
  const paths = hostilePaths();
  const names = hostileNames();

  it('has a corpus of at least 200 hostile inputs', () => {
    expect(paths.length + names.length).toBeGreaterThanOrEqual(200);
  });

  it('refuses every one with a 4xx and a code, and nothing escapes', async () => {
    const before = snapshot(t.dataDir);
    const q = (input: string) => encodeURIComponent(input);
    const requests = (input: string) => [
      { method: 'GET', url: `/api/files?path=${q(input)}` },
      { method: 'GET', url: `/api/files/stat?path=${q(input)}` },
      { method: 'GET', url: `/api/files/download?path=${q(input)}` },
      { method: 'GET', url: `/api/files/download?path=${q(input)}&inline=true` },
      { method: 'GET', url: `/api/files/zip?path=${q(input)}` },
      { method: 'POST', url: '/api/files/zip', payload: { paths: [input] } },
      { method: 'POST', url: '/api/files/mkdir', payload: { path: input } },
      { method: 'POST', url: '/api/files/rename', payload: { path: input, name: 'renamed' } },
      { method: 'POST', url: '/api/files/move', payload: { paths: [input], to: '/Photos' } },
      { method: 'POST', url: '/api/files/move', payload: { paths: ['/notes.txt'], to: input } },
      { method: 'POST', url: '/api/files/copy', payload: { paths: [input], to: '/Photos' } },
      { method: 'POST', url: '/api/files/copy', payload: { paths: ['/notes.txt'], to: input } },
      { method: 'POST', url: '/api/files/delete', payload: { paths: [input], permanent: true } },
      { method: 'POST', url: '/api/files/delete', payload: { paths: [input] } },
    ];
    const problems: string[] = [];
    const check = async (request: { method: string; url: string; payload?: object }, input: string) => {
      const response = await t.inject({
        ...request,
        method: request.method,
        headers: { cookie },
      });
      const body = response.body;
      const batch = /move|copy|delete/.test(request.url) && response.statusCode === 200;
      if (batch) {
        // Batches answer 200 with per-item failures: every item must have failed with a code.
        const result = response.json<{ failed: { code: string }[] }>();
        if (result.failed.length !== 1 || !/^[A-Z_]+$/.test(result.failed[0]?.code ?? ''))
          problems.push(`${request.method} ${request.url} ${JSON.stringify(request.payload)} → ${body}`);
      } else if (response.statusCode < 400 || response.statusCode >= 500 || !/"code":"[A-Z_]+"/.test(body)) {
        problems.push(
          `${request.method} ${request.url} ${JSON.stringify(request.payload)} → ${response.statusCode} ${body.slice(0, 120)}`,
        );
      }
      if (body.includes('system disk secret'))
        problems.push(`LEAK via ${request.url} (${JSON.stringify(input)})`);
    };
    for (const input of paths) for (const request of requests(input)) await check(request, input);
    for (const name of names) {
      await check({ method: 'POST', url: '/api/files/rename', payload: { path: '/notes.txt', name } }, name);
      await check({ method: 'POST', url: '/api/files/mkdir', payload: { path: `/Photos/${name}` } }, name);
    }
    expect(problems).toEqual([]);
    expect(snapshot(t.dataDir).filter((line) => !line.includes('vigil.db'))).toEqual(
      before.filter((line) => !line.includes('vigil.db')),
    );
  });
});

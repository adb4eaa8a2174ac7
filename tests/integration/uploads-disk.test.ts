// A full vault: the development vault on a 2 MiB tmpfs of its own (needs root, as CI has). Uploads that cannot
// fit answer 507 INSUFFICIENT_STORAGE and leave nothing partial, in files/ or in .uploads/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  filesUnder,
  listen,
  multipartParts,
  streamedRequest,
  tusClient,
  type TusClient,
} from './uploads-support.js';

let t: TestApp | null = null;
let vaultDir = '';
let base = '';
let editor = '';
let client: TusClient;

beforeEach(async () => {
  vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-full-vault-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', vaultDir]);
  t = await startTestApp({ VIGIL_VAULT: `dir:${vaultDir}` });
  editor = (await t.userWithSession('editor')).cookie;
  base = await listen(t);
  client = tusClient(base, editor);
});
afterEach(async () => {
  await t?.close();
  t = null;
  execFileSync('umount', ['-l', vaultDir]);
  rmSync(vaultDir, { recursive: true, force: true });
});

/** Fills the volume (as recordings would) until only `leave` bytes are free. */
function fillLeaving(leave: number): void {
  const space = statfsSync(vaultDir);
  writeFileSync(
    path.join(vaultDir, 'recordings', 'filler'),
    Buffer.alloc(space.bavail * space.bsize - leave),
  );
}

const nothingPartial = () => {
  expect(filesUnder(path.join(vaultDir, 'files'))).toEqual([]);
  expect(filesUnder(path.join(vaultDir, '.uploads'))).toEqual([]);
};

describe('uploads into a full vault', () => {
  it('refuses a tus upload that cannot fit at creation (507)', async () => {
    const response = await client.create(4 * 1024 * 1024, { filename: 'big.bin' });
    expect(response.status).toBe(507);
    expect(await response.json()).toMatchObject({ code: 'INSUFFICIENT_STORAGE' });
    nothingPartial();
  });

  it('answers 507 when the vault fills up during a PATCH, and removes the partial', async () => {
    const data = randomBytes(1024 * 1024);
    const created = await client.create(data.length, { filename: 'big.bin' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    fillLeaving(256 * 1024);
    const patch = await client.patch(location, 0, data);
    expect(patch.status).toBe(507);
    expect(await patch.json()).toMatchObject({ code: 'INSUFFICIENT_STORAGE' });
    nothingPartial();
    expect((await client.head(location)).status).toBe(404);
  });

  it('answers 507 for multipart uploads that cannot fit, before or while reading them', async () => {
    const form = new FormData();
    form.append('file', new Blob([randomBytes(4 * 1024 * 1024)]), 'big.bin');
    const declared = await fetch(`${base}/api/files/upload`, {
      method: 'POST',
      headers: { cookie: editor },
      body: form,
    });
    expect(declared.status).toBe(507);
    expect(await declared.json()).toMatchObject({ code: 'INSUFFICIENT_STORAGE' });
    nothingPartial();

    // Chunked, so the size is unknown up front: the disk fills up mid-part.
    fillLeaving(256 * 1024);
    const boundary = 'vigil-full-boundary';
    const { head, tail } = multipartParts('big.bin', boundary);
    const request = streamedRequest(`${base}/api/files/upload`, 'POST', {
      cookie: editor,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    await request.write(head);
    await request.write(randomBytes(1024 * 1024));
    request.end(tail);
    expect(await request.outcome).toBe(507);
    nothingPartial();
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { assertWorkerBuilt } from './worker-harness.js';

// The recorder never fills the disk: with the free-space floor above what the vault has (99 % of the machine's
// own disk can never be free), a continuous camera keeps nothing and says why.
describe('recording: the vault’s free-space floor', () => {
  let netns: TestNetns | undefined;
  let t: TestApp;
  let admin: string;
  let cache: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    netns = await createNetns();
    cache = mkdtempSync('/dev/shm/vigil-recording-space-');
    t = await startTestApp(
      {
        VIGIL_WEBRTC_INTERFACE: netns.hostInterface,
        VIGIL_CACHE_DIR: cache,
        VIGIL_RECORDINGS_MIN_FREE: '99%',
      },
      { media: true },
    );
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(async () => {
    await (t as TestApp | undefined)?.close();
    await netns?.destroy();
    rmSync(cache, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  it('keeps no segment below the floor and shows the camera paused: vault full', async () => {
    const created = await call('POST', '/api/cameras', {
      name: 'Full',
      kind: 'test',
      width: 320,
      height: 240,
      fps: 15,
    });
    const id = created.json<{ id: number }>().id;
    const put = await call('PUT', `/api/cameras/${id}/recording`, {
      mode: 'continuous',
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    expect(put.statusCode, put.body).toBe(200);
    const recording = async () =>
      (await call('GET', `/api/cameras/${id}`)).json<{
        recording: { state: string; reason: string | null };
      }>().recording;
    // The first closed segment is offered to the vault and refused: the camera says so.
    let last = await recording();
    const deadline = Date.now() + 15_000;
    while (last.reason !== 'vault-full' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await recording();
    }
    expect(last).toEqual(expect.objectContaining({ state: 'paused', reason: 'vault-full' }));
    // Two more segments later, still nothing kept.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const to = Date.now() + 60_000;
    const index = await call('GET', `/api/recordings?camera=${id}&from=${to - 3_600_000}&to=${to}`);
    expect(index.json<{ segments: unknown[] }>().segments).toEqual([]);
    expect(existsSync(path.join(t.app.vigil.services.vault.mountPoint, 'recordings', String(id)))).toBe(
      false,
    );
    expect(t.app.vigil.services.retention.alert()).toMatchObject({ kind: 'low-space' });
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { assertWorkerBuilt } from './worker-harness.js';

const MIB = 1024 ** 2;

// A vault that fills up: a 2 MiB tmpfs as the development vault and a continuous camera writing about 60 KB/s.
// Retention makes room before each copy, so recording goes on, the oldest footage goes, and no write ever
// meets a full disk (ENOSPC would be logged and show the camera paused; the floor keeps it from happening).
describe('recording onto a vault that fills up', () => {
  let netns: TestNetns | undefined;
  let t: TestApp;
  let admin: string;
  let cache: string;
  let parent: string;
  let vault: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    netns = await createNetns();
    cache = mkdtempSync('/dev/shm/vigil-recording-full-');
    parent = mkdtempSync(path.join(tmpdir(), 'vigil-full-vault-'));
    vault = path.join(parent, 'vault');
    mkdirSync(vault);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', vault]);
    t = await startTestApp(
      {
        VIGIL_WEBRTC_INTERFACE: netns.hostInterface,
        VIGIL_CACHE_DIR: cache,
        VIGIL_VAULT: `dir:${vault}`,
        VIGIL_RECORDINGS_MIN_FREE: '1MiB',
      },
      { media: true },
    );
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(async () => {
    await (t as TestApp | undefined)?.close();
    await netns?.destroy();
    execFileSync('umount', [vault]);
    rmSync(parent, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  it('deletes the oldest before each write and keeps recording, never below the floor', async () => {
    const created = await call('POST', '/api/cameras', {
      name: 'Busy',
      kind: 'test',
      width: 640,
      height: 360,
      fps: 15,
    });
    const id = created.json<{ id: number }>().id;
    await call('PUT', `/api/cameras/${id}/recording`, {
      mode: 'continuous',
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    const segments = async () => {
      const to = Date.now() + 60_000;
      const response = await call('GET', `/api/recordings?camera=${id}&from=${to - 3_600_000}&to=${to}`);
      return response.json<{ segments: { id: number; startedAt: number; bytes: number }[] }>().segments;
    };
    let first: { id: number; startedAt: number } | null = null;
    let lowestFree = Infinity;
    const deadline = Date.now() + 40_000;
    // Until the first kept segment has been deleted to make room: the vault has filled up at least once.
    for (;;) {
      const list = await segments();
      first ??= list[0] ?? null;
      const stats = statfsSync(vault);
      lowestFree = Math.min(lowestFree, stats.bavail * stats.bsize);
      if (first !== null && !list.some((s) => s.id === first?.id)) break;
      if (Date.now() > deadline) throw new Error(`the vault never filled: ${list.length} segments`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Recording goes on: a segment newer than now − 6 s (two segments and the copy) is kept.
    const newest = (await segments()).at(-1);
    expect(newest?.startedAt ?? 0).toBeGreaterThan(Date.now() - 6_000);
    // The floor held (sampled every 250 ms; a segment is ~120 KB, so allow one in flight below it).
    expect(lowestFree).toBeGreaterThan(MIB - 200 * 1024);
    const camera = (await call('GET', `/api/cameras/${id}`)).json<{ recording: { state: string } }>();
    expect(camera.recording.state).toBe('recording');
    // Retention took it, file and row together (the last pass itself may have had nothing left to delete).
    const kept = readdirSync(path.join(vault, 'recordings', String(id)), { recursive: true }).map(String);
    expect(kept.filter((name) => path.basename(name).startsWith(`${first.startedAt}-`))).toEqual([]);
  });
});

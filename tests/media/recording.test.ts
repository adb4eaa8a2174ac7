import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStamp } from '../../media/test-pattern/stamp.js';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { decodeSegment } from '../support/ts-segments.js';
import { assertWorkerBuilt, eventually, until } from './worker-harness.js';

const WIDTH = 320;
const HEIGHT = 240;

interface Segment {
  id: number;
  startedAt: number;
  endedAt: number;
  bytes: number;
}

/** Every file under `root` with its size and mtime: what a write anywhere would change. */
function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = statSync(full);
        files.set(full, `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(root);
  return files;
}

// The recorder through the real app: a real test-camera worker writing segments into a tmpfs cache, the
// development vault, real vault.db; events arrive on the real events bus as the inference worker sends them.
describe('recording', () => {
  let netns: TestNetns | undefined;
  let t: TestApp;
  let admin: string;
  let cache: string;
  let temp: string;
  const systemTemp = process.env['TMPDIR'];

  beforeAll(async () => {
    assertWorkerBuilt();
    netns = await createNetns();
    cache = mkdtempSync('/dev/shm/vigil-recording-test-');
    // The system temp dir as the server and its camera workers see it (os.tmpdir() and GStreamer read TMPDIR):
    // one of this file's own, so the locked-vault test can watch it while other test files write to /tmp.
    temp = mkdtempSync(path.join(tmpdir(), 'vigil-recording-tmp-'));
    process.env['TMPDIR'] = temp;
    t = await startTestApp(
      { VIGIL_WEBRTC_INTERFACE: netns.hostInterface, VIGIL_CACHE_DIR: cache },
      { media: true },
    );
    admin = (await t.userWithSession('admin')).cookie;
  });

  let closed = false;
  afterAll(async () => {
    if (!closed) await (t as TestApp | undefined)?.close();
    await netns?.destroy();
    rmSync(cache, { recursive: true, force: true });
    if (systemTemp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = systemTemp;
    rmSync(temp, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });
  const mount = () => t.app.vigil.services.vault.mountPoint;

  async function testCamera(name: string, mode: string): Promise<number> {
    const created = await call('POST', '/api/cameras', {
      name,
      kind: 'test',
      width: WIDTH,
      height: HEIGHT,
      fps: 15,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    const put = await call('PUT', `/api/cameras/${id}/recording`, {
      mode,
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    expect(put.statusCode, put.body).toBe(200);
    return id;
  }

  const segments = async (cameraId: number): Promise<Segment[]> => {
    const to = Date.now() + 60_000;
    const response = await call('GET', `/api/recordings?camera=${cameraId}&from=${to - 3_600_000}&to=${to}`);
    return response.statusCode === 200 ? response.json<{ segments: Segment[] }>().segments : [];
  };

  it('continuous: keeps every segment on the vault, indexed, each one whole and in order', async () => {
    const id = await testCamera('Continuous', 'continuous');
    expect(await eventually(async () => (await segments(id)).length >= 3, 20_000)).toBe(true);
    const kept = await segments(id);
    for (const [i, segment] of kept.entries()) {
      if (i > 0) expect(segment.startedAt).toBeGreaterThanOrEqual(kept[i - 1]?.endedAt ?? 0);
      const day = new Date(segment.startedAt).toISOString().slice(0, 10);
      const dir = path.join(mount(), 'recordings', String(id), day);
      const file = readdirSync(dir).find((name) => name.startsWith(`${segment.startedAt}-`));
      expect(file, `segment ${segment.id} in ${dir}`).toBeDefined();
      expect(statSync(path.join(dir, file ?? '')).size).toBe(segment.bytes);
      const decoded = await decodeSegment(path.join(dir, file ?? ''), WIDTH, HEIGHT);
      expect(decoded.code).toBe(0);
      expect(decoded.frames).toBeGreaterThan(20);
    }
    // Nothing of the recording anywhere else on the data dir: only vault files under recordings/.
    const outside = [...snapshotTree(t.dataDir).keys()].filter(
      (file) => file.endsWith('.ts') && !file.startsWith(path.join(mount(), 'recordings')),
    );
    expect(outside).toEqual([]);
    await call('DELETE', `/api/cameras/${id}`);
    // A deleted camera's ring leaves the RAM cache.
    const folder = path.join(cache, 'segments', String(id));
    expect(await until(() => !existsSync(folder) || readdirSync(folder).length === 0, 5_000)).toBe(true);
  });

  it('events: keeps the pre-roll before the event and the post-roll after it, and links the event', async () => {
    const id = await testCamera('Events', 'events');
    // Let the ring fill past the pre-roll, then an event as the inference worker would report it.
    expect(await until(() => readdirSync(cache, { recursive: true }).length > 4, 15_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await segments(id)).toEqual([]);
    const startedAt = Date.now();
    const track = (endedAt: number | null) => ({
      trackId: 1,
      label: 'person',
      startedAt,
      endedAt,
      topScore: 0.9,
      box: { x: 0.1, y: 0.1, width: 0.2, height: 0.5 },
      path: [],
      zones: [],
      faces: [],
      stationary: false,
    });
    const events = t.app.vigil.services.events;
    events.handle({ type: 'track', phase: 'start', cameraId: id, track: track(null), snapshot: null });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const endedAt = Date.now();
    events.handle({ type: 'track', phase: 'end', cameraId: id, track: track(endedAt), snapshot: null });
    // The post-roll is recorded after the end: wait for it, and a segment more.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const kept = await segments(id);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    const first = kept[0];
    const last = kept.at(-1);
    expect(first?.startedAt).toBeLessThanOrEqual(startedAt - 4_000);
    expect(last?.endedAt).toBeGreaterThanOrEqual(endedAt + 2_000);
    // The pre-roll is real footage from before the event: the first picture's stamped clock says so.
    const day = new Date(first?.startedAt ?? 0).toISOString().slice(0, 10);
    const dir = path.join(mount(), 'recordings', String(id), day);
    const file = readdirSync(dir).find((name) => name.startsWith(`${first?.startedAt}-`)) ?? '';
    const decoded = await decodeSegment(path.join(dir, file), WIDTH, HEIGHT);
    const stamp = decoded.first ? decodeStamp(decoded.first, WIDTH, HEIGHT) : null;
    expect(stamp).not.toBeNull();
    expect(stamp ?? Infinity).toBeLessThanOrEqual(startedAt - 4_000 + 200);
    // And nothing long before the pre-roll was kept: the camera ran ~10 s before the event.
    expect(first?.startedAt).toBeGreaterThan(startedAt - 4_000 - 3 * 2_000);
    const event = (await call('GET', `/api/events?camera=${id}`)).json<{ events: { id: number }[] }>()
      .events[0];
    const linked = (await call('GET', `/api/events/${event?.id}/recordings`)).json<
      Segment[] | { segments: Segment[] }
    >();
    const linkedIds = (Array.isArray(linked) ? linked : linked.segments).map((s) => s.id);
    expect(linkedIds).toEqual(kept.map((s) => s.id));
    await call('DELETE', `/api/cameras/${id}`);
  });

  it('while the vault is locked writes no byte to any persistent filesystem for 20 s, and resumes after unlock', async () => {
    const id = await testCamera('Locked', 'continuous');
    expect(await eventually(async () => (await segments(id)).length >= 1, 15_000)).toBe(true);
    const lock = await call('POST', '/api/vault/lock', {});
    expect(lock.json<{ state: string }>().state).toBe('locked');
    // Every persistent place the product writes to: the data dir, the vault's mount point (inside it for the
    // development vault) and the temp dir; compared before and after, and watched (inotify) in between.
    const places = [...new Set([t.dataDir, mount(), temp])];
    const snapshot = () => new Map(places.flatMap((place) => [...snapshotTree(place)]));
    const touched = new Set<string>();
    const watchers: FSWatcher[] = places.map((place) =>
      watch(place, { recursive: true }, (_event, name) => touched.add(path.join(place, String(name)))),
    );
    const before = snapshot();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const after = snapshot();
    for (const watcher of watchers) watcher.close();
    const changed = [...after].filter(([file, stat]) => before.get(file) !== stat).map(([file]) => file);
    const gone = [...before.keys()].filter((file) => !after.has(file));
    // vigil.db's WAL may record the camera's status; nothing else may change, and no footage at all.
    const unexpected = (files: Iterable<string>) =>
      [...files].filter((file) => !/vigil\.db(-wal|-shm)?$/.test(file));
    expect(unexpected(changed)).toEqual([]);
    expect(unexpected(gone)).toEqual([]);
    expect(unexpected(touched)).toEqual([]);
    const camera = (await call('GET', `/api/cameras/${id}`)).json<{ recording?: { state: string } }>();
    expect(camera.recording?.state).toBe('paused');
    const unlock = await call('POST', '/api/vault/unlock', { passphrase: 'anything' });
    expect(unlock.json<{ state: string }>().state).toBe('unlocked');
    const unlockedAt = Date.now();
    // Within one segment (2 s) and the copy: a segment that ends after the unlock is kept.
    expect(
      await eventually(async () => (await segments(id)).some((s) => s.endedAt > unlockedAt), 2_000 + 3_000),
    ).toBe(true);
    await call('DELETE', `/api/cameras/${id}`);
  });

  it('empties the RAM cache when the server stops (RAM is not given back by an exit)', async () => {
    const id = await testCamera('Closing', 'events');
    const folder = path.join(cache, 'segments', String(id));
    const segmentFiles = () =>
      existsSync(folder)
        ? readdirSync(folder, { recursive: true }).filter((f) => String(f).endsWith('.ts'))
        : [];
    // Closed segments in the ring (pre-roll kept in RAM, no event to keep them for), besides the open one.
    expect(await until(() => segmentFiles().length >= 3, 15_000)).toBe(true);
    closed = true;
    await t.close();
    expect(
      readdirSync(path.join(cache, 'segments'), { recursive: true }).filter((f) => String(f).endsWith('.ts')),
    ).toEqual([]);
  });
});

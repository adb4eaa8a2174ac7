import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Sqlite from 'better-sqlite3';
import jpeg from 'jpeg-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStamp } from '../../media/test-pattern/stamp.js';
import {
  createThumbnailMaker,
  THUMBNAIL_INTERVAL_MS,
  thumbnailPath,
  type ThumbnailMaker,
} from '../../server/recordings/recording-thumbnails.js';
import { makeTsSegment } from '../support/clips.js';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { assertWorkerBuilt, eventually } from './worker-harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROGRAM = path.join(root, 'dist/media/thumbnail.js');

interface Thumbnail {
  id: number;
  at: number;
}

// The thumbnails through the real app: a real test camera recording continuously onto the development vault,
// the real thumbnail program from dist/ decoding the kept segments, real vault.db.
describe('recording thumbnails from a recording camera', () => {
  let netns: TestNetns | undefined;
  let t: TestApp;
  let admin: string;
  let cache: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    netns = await createNetns();
    cache = mkdtempSync('/dev/shm/vigil-thumbnails-test-');
    t = await startTestApp(
      { VIGIL_WEBRTC_INTERFACE: netns.hostInterface, VIGIL_CACHE_DIR: cache },
      { media: true },
    );
    admin = (await t.userWithSession('admin')).cookie;
  });

  afterAll(async () => {
    await (t as TestApp | undefined)?.close();
    await netns?.destroy();
    if ((cache as string | undefined) !== undefined) rmSync(cache, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  it('makes one 320 px JPEG of a kept segment’s first picture, on the vault and in the API, and no more within the interval', async () => {
    const created = await call('POST', '/api/cameras', {
      name: 'Thumbnails',
      kind: 'test',
      width: 640,
      height: 360,
      fps: 15,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    const put = await call('PUT', `/api/cameras/${id}/recording`, {
      mode: 'continuous',
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    expect(put.statusCode, put.body).toBe(200);
    const from = Date.now() - 3_600_000;
    const to = Date.now() + 3_600_000;
    const segments = async () =>
      (await call('GET', `/api/recordings?camera=${id}&from=${from}&to=${to}`)).json<{
        segments: { startedAt: number }[];
      }>().segments;
    const thumbnails = async () => {
      const response = await call('GET', `/api/recordings/thumbnails?camera=${id}&from=${from}&to=${to}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ thumbnails: Thumbnail[] }>().thumbnails;
    };

    // Six segments (12 s) and more: far less than the interval, so exactly one thumbnail.
    expect(await eventually(async () => (await segments()).length >= 6, 30_000)).toBe(true);
    await t.app.vigil.services.thumbnailMaker?.settled();
    expect(THUMBNAIL_INTERVAL_MS).toBeGreaterThan(60_000);
    const listed = await thumbnails();
    expect(listed).toHaveLength(1);
    const [thumbnail] = listed;
    if (thumbnail === undefined) throw new Error('no thumbnail');
    const kept = await segments();
    expect(kept.map((s) => s.startedAt)).toContain(thumbnail.at);

    const file = path.join(t.app.vigil.services.vault.mountPoint, thumbnailPath(id, thumbnail.at));
    expect(file).toMatch(new RegExp(`/recordings/${id}/\\d{4}-\\d{2}-\\d{2}/thumbs/${thumbnail.at}\\.jpg$`));
    expect(existsSync(file)).toBe(true);

    const response = await call('GET', `/api/recordings/thumbnails/${thumbnail.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.rawPayload.length).toBe(statSync(file).size);
    const picture = jpeg.decode(response.rawPayload, { useTArray: true, formatAsRGBA: true });
    expect([picture.width, picture.height]).toEqual([320, 180]);
    // The test camera stamps the wall clock into each picture: this one is the segment's first.
    const stamp = decodeStamp(Buffer.from(picture.data), picture.width, picture.height);
    expect(stamp).not.toBeNull();
    expect(Math.abs((stamp ?? 0) - thumbnail.at)).toBeLessThan(1_000);

    // Still one after more segments.
    const before = (await segments()).length;
    expect(await eventually(async () => (await segments()).length >= before + 2, 10_000)).toBe(true);
    await t.app.vigil.services.thumbnailMaker?.settled();
    expect(await thumbnails()).toEqual(listed);
    await call('DELETE', `/api/cameras/${id}`);
  });
});

/** A logger that keeps what it is given, for checking what a failure says. */
function capturingLog() {
  type Line = { msg: string; err?: { message: string } };
  const lines: Line[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  return { log, lines };
}

// The maker on its own over a real app's development vault: real segments made with GStreamer, the real program.
describe('the thumbnail maker', () => {
  let t: TestApp;
  let admin: string;
  let work: string;
  const base = Date.UTC(2026, 11, 10, 8, 0, 0);
  const mount = () => t.app.vigil.services.vault.mountPoint;
  const vaultDb = (): Sqlite.Database => {
    const db = t.app.vigil.services.vault.database();
    if (!db) throw new Error('the vault is locked');
    return db;
  };
  const rows = (cameraId: number) =>
    vaultDb()
      .prepare('SELECT at, path, bytes FROM recording_thumbnails WHERE camera_id = ? ORDER BY at')
      .all(cameraId) as { at: number; path: string; bytes: number }[];
  const thumbsOnDisk = (cameraId: number, at: number) => {
    const dir = path.dirname(path.join(mount(), thumbnailPath(cameraId, at)));
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  let segmentFile: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    work = mkdtempSync(path.join(t.dataDir, 'segments-'));
    segmentFile = path.join(work, 'ball.ts');
    await makeTsSegment(segmentFile, 2);
  });
  afterAll(() => (t as TestApp | undefined)?.close());

  /** A copy of the ball segment where the recorder would have kept it. */
  const kept = (cameraId: number, at: number, bytes?: Buffer): string => {
    const file = path.join(mount(), 'recordings', String(cameraId), '2026-12-10', `${at}-s1-1.ts`);
    mkdirSync(path.dirname(file), { recursive: true });
    if (bytes) writeFileSync(file, bytes);
    else copyFileSync(segmentFile, file);
    return file;
  };

  const maker = (options: { timeoutMs?: number } = {}) => {
    const { log, lines } = capturingLog();
    const made: ThumbnailMaker = createThumbnailMaker({
      vault: t.app.vigil.services.vault,
      log,
      programPath: PROGRAM,
      ...options,
    });
    return { made, lines };
  };

  it('makes one at a time per camera, then none within the interval, then the next', async () => {
    const { made, lines } = maker();
    const camera = 11;
    made.onKept(camera, { startedAt: base, endedAt: base + 2_000 }, kept(camera, base));
    // Still busy with the first: a later segment, even past the interval, gets none.
    const late = base + THUMBNAIL_INTERVAL_MS + 10_000;
    made.onKept(camera, { startedAt: late, endedAt: late + 2_000 }, kept(camera, late));
    await made.settled();
    expect(rows(camera)).toEqual([
      { at: base, path: thumbnailPath(camera, base), bytes: expect.any(Number) },
    ]);
    const stored = jpeg.decode(readFileSync(path.join(mount(), thumbnailPath(camera, base))));
    expect([stored.width, stored.height]).toEqual([320, 240]);

    const soon = base + THUMBNAIL_INTERVAL_MS / 2;
    made.onKept(camera, { startedAt: soon, endedAt: soon + 2_000 }, kept(camera, soon));
    await made.settled();
    expect(rows(camera)).toHaveLength(1);
    made.onKept(camera, { startedAt: late, endedAt: late + 2_000 }, kept(camera, late));
    await made.settled();
    expect(rows(camera).map((r) => r.at)).toEqual([base, late]);
    expect(lines).toEqual([]);
    await made.close();
  });

  it('logs a segment it cannot decode, keeps nothing of it, and tries again only 30 s of footage later', async () => {
    const { made, lines } = maker();
    const camera = 12;
    made.onKept(
      camera,
      { startedAt: base, endedAt: base + 2_000 },
      kept(camera, base, Buffer.from('not TS')),
    );
    await made.settled();
    expect(lines.map((l) => l.msg)).toEqual(['a recording thumbnail could not be made']);
    expect(lines[0]?.err?.message).toMatch(/data stream error|before any picture/i);
    expect(rows(camera)).toEqual([]);
    expect(thumbsOnDisk(camera, base)).toEqual([]);
    const next = base + 10_000;
    made.onKept(camera, { startedAt: next, endedAt: next + 2_000 }, kept(camera, next));
    await made.settled();
    expect(rows(camera)).toEqual([]);
    const later = base + 31_000;
    made.onKept(camera, { startedAt: later, endedAt: later + 2_000 }, kept(camera, later));
    await made.settled();
    expect(rows(camera).map((r) => r.at)).toEqual([later]);
    expect(lines).toHaveLength(1);
    await made.close();
  });

  it('kills a decode that hangs at its deadline, and logs it', async () => {
    const { made, lines } = maker({ timeoutMs: 1_000 });
    const camera = 13;
    // A FIFO nobody writes to: filesrc waits on it for ever.
    const fifo = path.join(mount(), 'recordings', String(camera), '2026-12-10', `${base}-s1-1.ts`);
    mkdirSync(path.dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    made.onKept(camera, { startedAt: base, endedAt: base + 2_000 }, fifo);
    await made.settled();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lines[0]?.err?.message).toMatch(/no picture within 1000 ms/);
    expect(rows(camera)).toEqual([]);
    // Not left for the reconcile pass of a later unlock, which would wait on it too.
    rmSync(fifo);
    await made.close();
  });

  it('a safe lock aborts the decode under way at once, and nothing is written or logged', async () => {
    const { made, lines } = maker({ timeoutMs: 60_000 });
    const camera = 14;
    const fifo = path.join(mount(), 'recordings', String(camera), '2026-12-10', `${base}-s1-1.ts`);
    mkdirSync(path.dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
    made.onKept(camera, { startedAt: base, endedAt: base + 2_000 }, fifo);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json<{ state: string }>().state).toBe('locked');
    expect(Date.now() - started).toBeLessThan(3_000);
    await made.settled();
    expect(lines).toEqual([]);
    rmSync(fifo);
    // Locked: nothing new is even tried.
    made.onKept(camera, { startedAt: base + 200_000, endedAt: base + 202_000 }, segmentFile);
    await made.settled();
    const unlock = await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'anything' },
    });
    expect(unlock.json<{ state: string }>().state).toBe('unlocked');
    expect(rows(camera)).toEqual([]);
    expect(thumbsOnDisk(camera, base)).toEqual([]);
    await made.close();
  });
});

import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { recordingsStoreOf } from '../../server/recordings/recordings.store.js';
import type { ExportProgress } from '../../server/recordings/recordings-export.schemas.js';
import { readMp4 } from '../support/mp4-boxes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PROGRAM = path.resolve(import.meta.dirname, '../../dist/media/recording-export.js');
const FPS = 15;
const baseName = (apiPath: string) => apiPath.split('/').pop() ?? '';
const SEGMENT_S = 2;
const WIDTH = 320;
const HEIGHT = 240;

/**
 * One recording session as the recorder keeps it: x264 with 1 s keyframes in 2 s MPEG-TS files, each starting on
 * a keyframe, their timestamps continuing each other (the next session's clock starts again at mpegtsmux's
 * 3600 s). Each file is its own run with its clock offset, as splitmuxsink would cut them: splitmuxsink under
 * gst-launch-1.0 1.22 now and then hangs at EOS.
 */
async function recordSession(dir: string, prefix: string, segments: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let k = 0; k < segments; k++) {
    const file = path.join(dir, `${prefix}${k}.ts`);
    await promisify(execFile)('gst-launch-1.0', [
      '-q',
      ...['videotestsrc', `num-buffers=${SEGMENT_S * FPS}`, 'pattern=ball'],
      `timestamp-offset=${k * SEGMENT_S * 1e9}`,
      '!',
      `video/x-raw,format=I420,width=${WIDTH},height=${HEIGHT},framerate=${FPS}/1`,
      ...['!', 'x264enc', 'tune=zerolatency', `key-int-max=${FPS}`, '!', 'h264parse', '!'],
      ...['mpegtsmux', '!', 'filesink', `location=${file}`],
    ]);
    files.push(file);
  }
  return files;
}

/** The H.264 NAL units of a file, as GStreamer demuxes them into a byte-stream. */
function nalsOf(file: string, demuxer: 'tsdemux' | 'qtdemux'): Promise<Buffer[]> {
  const child = spawn(
    'gst-launch-1.0',
    [
      '-q',
      ...['fdsrc', 'fd=0', '!', demuxer, '!', 'h264parse', '!'],
      ...['video/x-h264,stream-format=byte-stream,alignment=au', '!', 'fdsink', 'fd=1'],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.end(readFileSync(file));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const stream = Buffer.concat(chunks);
      const starts: number[] = [];
      for (let i = 0; i + 3 < stream.length; i++)
        if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) starts.push(i + 3);
      resolve(
        starts.map((start, k) => {
          const next = starts[k + 1];
          // A 4-byte start code leaves one zero before the next 00 00 01.
          const end = next === undefined ? stream.length : next - 3 - (stream[next - 4] === 0 ? 1 : 0);
          return stream.subarray(start, end);
        }),
      );
    });
  });
}

const nalType = (nal: Buffer) => (nal[0] ?? 0) & 0x1f;
/** The slices (NAL types 1 and 5): what a re-encode would change. */
const slicesOf = async (file: string, demuxer: 'tsdemux' | 'qtdemux') =>
  (await nalsOf(file, demuxer)).filter((nal) => [1, 5].includes(nalType(nal)));

/** Pictures decoded from an MP4 fed through a pipe: qtdemux in push mode plays only a file with moov first. */
function decodedPictures(file: string): Promise<{ code: number | null; pictures: number }> {
  const child = spawn(
    'gst-launch-1.0',
    [
      '-q',
      ...['fdsrc', 'fd=0', '!', 'qtdemux', '!', 'h264parse', '!', 'avdec_h264', 'output-corrupt=false', '!'],
      ...['videoconvert', '!', 'video/x-raw,format=GRAY8', '!', 'fdsink', 'fd=1'],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.end(readFileSync(file));
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, pictures: Math.floor(bytes / (WIDTH * HEIGHT)) }));
  });
}

// Export for real: segments made the way the recorder makes them (two sessions, a gap), indexed in the real
// vault.db, exported through the API by the real export program from dist/, the result read back by GStreamer.
describe('recording export to MP4', () => {
  let t: TestApp;
  let base = '';
  let editor: { id: number; cookie: string };
  let viewer: string;
  let admin: string;
  let camera: number;
  let scratch: string;
  const t0 = Date.UTC(2026, 11, 9, 12, 0, 0);
  const sources: string[] = [];

  const mount = () => t.app.vigil.services.vault.mountPoint;
  const exportsDir = () => path.join(mount(), 'files', 'Exports');
  const post = (payload: object, cookie = editor.cookie) =>
    t.inject({ method: 'POST', url: '/api/recordings/export', headers: { cookie }, payload });

  /** Indexes segment files as the recorder would: copied under recordings/, one row each. */
  function index(files: readonly string[], startedAt: number): void {
    const db = t.app.vigil.services.vault.database();
    if (db === null) throw new Error('the vault is locked');
    const day = new Date(startedAt).toISOString().slice(0, 10);
    const dir = path.join(mount(), 'recordings', String(camera), day);
    mkdirSync(dir, { recursive: true });
    for (const [i, file] of files.entries()) {
      const at = startedAt + i * SEGMENT_S * 1000;
      const relative = `recordings/${camera}/${day}/${at}-s-${i}.ts`;
      copyFileSync(file, path.join(mount(), relative));
      recordingsStoreOf(db).insert({
        cameraId: camera,
        startedAt: at,
        endedAt: at + SEGMENT_S * 1000,
        bytes: readFileSync(file).length,
        keyframes: SEGMENT_S,
        path: relative,
        eventIds: [],
      });
    }
  }

  /** A socket of the editor's that collects every recordings.export push. */
  async function progressSocket(): Promise<{ pushes: ExportProgress[]; close(): void }> {
    const socket = new WebSocket(`ws://${base}/api/ws`, { headers: { cookie: editor.cookie } });
    const pushes: ExportProgress[] = [];
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; topic?: string; data?: unknown };
      if (message.type === 'event' && message.topic === 'recordings.export')
        pushes.push(message.data as ExportProgress);
    });
    await new Promise((resolve, reject) => {
      socket.once('message', resolve); // the hello: from here on the hub knows this socket
      socket.once('error', reject);
    });
    return { pushes, close: () => socket.close() };
  }

  async function finished(pushes: ExportProgress[], id: string): Promise<ExportProgress> {
    await expect
      .poll(() => pushes.find((p) => p.id === id && p.state !== 'running'), { timeout: 30_000 })
      .toBeDefined();
    const last = pushes.find((p) => p.id === id && p.state !== 'running');
    if (last === undefined) throw new Error('no final state');
    return last;
  }

  beforeAll(async () => {
    if (!existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing: run npm run build first`);
    scratch = mkdtempSync(path.join(tmpdir(), 'vigil-export-'));
    sources.push(...(await recordSession(path.join(scratch, 'a'), 'a', 3)));
    sources.push(...(await recordSession(path.join(scratch, 'b'), 'b', 2)));
    expect(sources).toHaveLength(5);
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    base = `127.0.0.1:${address.port}`;
    admin = (await t.userWithSession('admin')).cookie;
    editor = await t.userWithSession('editor');
    viewer = (await t.userWithSession('viewer')).cookie;
    const created = await t.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: { cookie: admin },
      payload: { name: 'Back/yard', kind: 'test' },
    });
    camera = created.json<{ id: number }>().id;
    // Session a: 0–6 s; a 10 s gap; session b (its clock starts again): 16–20 s.
    index(sources.slice(0, 3), t0);
    index(sources.slice(3), t0 + 16_000);
  }, 60_000);

  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('joins two sessions and a gap into one faststart MP4 of the same H.264 that plays start to end', async () => {
    const socket = await progressSocket();
    const started = await post({ camera, from: t0, to: t0 + 20_000 });
    expect(started.statusCode, started.body).toBe(202);
    const { id, name, path: apiPath } = started.json<{ id: string; name: string; path: string }>();
    expect(name).toMatch(/^Back yard \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d - \d\d\.\d\d\.\d\d\.mp4$/);
    expect(apiPath).toBe(`/Exports/${name}`);

    const done = await finished(socket.pushes, id);
    socket.close();
    expect(done).toEqual({ id, state: 'done', progress: 1, path: apiPath });
    const mine = socket.pushes.filter((p) => p.id === id);
    expect(mine[0]).toMatchObject({ state: 'running', progress: 0 });
    const values = mine.map((p) => p.progress);
    console.info(`export: ${mine.length} progress pushes: ${values.join(', ')}`);
    expect(values).toEqual([...values].sort((a, b) => a - b));

    // Nothing half-written anywhere: only the MP4 in Exports, nothing left in the working folder.
    expect(readdirSync(exportsDir())).toEqual([name]);
    expect(readdirSync(path.join(mount(), '.exports'))).toEqual([]);

    const file = path.join(exportsDir(), name);
    const mp4 = readMp4(readFileSync(file));
    expect(mp4.order.indexOf('moov')).toBeLessThan(mp4.order.indexOf('mdat'));
    // Five 2 s segments, the gap closed: 10 s, within a frame.
    expect(Math.abs(mp4.durationSeconds - 10)).toBeLessThan(1.5 / FPS);
    const decoded = await decodedPictures(file);
    expect(decoded.code).toBe(0);
    expect(decoded.pictures).toBe(5 * SEGMENT_S * FPS);

    // Not re-encoded: the same SPS, the same slices byte for byte, about the same bytes.
    const sps = (await nalsOf(sources[0] ?? '', 'tsdemux')).find((nal) => nalType(nal) === 7);
    expect(sps).toBeDefined();
    expect(mp4.sps).toEqual(sps);
    const original = (await Promise.all(sources.map((s) => slicesOf(s, 'tsdemux')))).flat();
    const exported = await slicesOf(file, 'qtdemux');
    expect(exported.length).toBe(original.length);
    expect(Buffer.concat(exported).equals(Buffer.concat(original))).toBe(true);
    const sourceBytes = sources.reduce((sum, s) => sum + readFileSync(s).length, 0);
    expect(mp4.mdatBytes).toBeGreaterThan(sourceBytes * 0.5);
    expect(mp4.mdatBytes).toBeLessThan(sourceBytes * 1.1);

    // Audited, and visible in the file manager.
    const audit = await t.inject({ method: 'GET', url: '/api/audit', headers: { cookie: admin } });
    expect(audit.body).toContain('recording.export');
    const listing = await t.inject({
      method: 'GET',
      url: '/api/files?path=/Exports',
      headers: { cookie: viewer },
    });
    expect(listing.json<{ entries: { name: string }[] }>().entries.map((e) => e.name)).toEqual([name]);
  });

  it('exports whole segments of a range inside one session, never overwriting: "(2)"', async () => {
    const socket = await progressSocket();
    const first = await post({ camera, from: t0 + 1_000, to: t0 + 5_000 });
    const second = await post({ camera, from: t0 + 1_000, to: t0 + 5_000 });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    const a = first.json<{ id: string; name: string }>();
    const b = second.json<{ id: string; name: string }>();
    expect(b.name).toBe(a.name.replace(/\.mp4$/, ' (2).mp4'));
    const doneA = await finished(socket.pushes, a.id);
    const doneB = await finished(socket.pushes, b.id);
    socket.close();
    expect([doneA.state, doneB.state]).toEqual(['done', 'done']);
    expect(doneB.path).toBe(`/Exports/${b.name}`);
    // [1 s, 5 s) touches the first three segments: 6 s, a segment more than asked at most.
    const mp4 = readMp4(readFileSync(path.join(exportsDir(), b.name)));
    expect(Math.abs(mp4.durationSeconds - 6)).toBeLessThan(1.5 / FPS);
  });

  it('reports progress a few times a second on a longer export', async () => {
    const from = t0 + 7_200_000;
    for (let round = 0; round < 40; round++) index(sources, from + round * 5 * SEGMENT_S * 1000);
    const socket = await progressSocket();
    const startedAt = Date.now();
    const started = await post({ camera, from, to: from + 40 * 5 * SEGMENT_S * 1000 });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json<{ id: string }>();
    const done = await finished(socket.pushes, id);
    const seconds = (Date.now() - startedAt) / 1000;
    socket.close();
    expect(done.state).toBe('done');
    const mine = socket.pushes.filter((p) => p.id === id);
    console.info(
      `export: ${mine.length} pushes in ${seconds.toFixed(2)} s: ${mine.map((p) => p.progress).join(', ')}`,
    );
    expect(mine.length).toBeLessThanOrEqual(seconds * 5 + 2);
    const mp4 = readMp4(readFileSync(path.join(exportsDir(), baseName(done.path))));
    expect(Math.abs(mp4.durationSeconds - 400)).toBeLessThan(1.5 / FPS);
  });

  it('answers bad requests with stable codes and viewers with 403', async () => {
    const cases: [object, number, string][] = [
      [{ camera, from: t0 + 10, to: t0 }, 400, 'BAD_RANGE'],
      [{ camera, from: t0, to: t0 + 24 * 3_600_000 + 1 }, 400, 'BAD_RANGE'],
      [{ camera, from: t0, to: 'soon' }, 400, 'VALIDATION_FAILED'],
      [{ camera, from: -1, to: t0 }, 400, 'VALIDATION_FAILED'],
      [{ from: t0, to: t0 + 1000 }, 400, 'VALIDATION_FAILED'],
      [{ camera: 999_999, from: t0, to: t0 + 1000 }, 404, 'NOT_FOUND'],
      [{ camera, from: t0 + 7_000, to: t0 + 15_000 }, 404, 'NO_RECORDINGS'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json()).toMatchObject({ code });
    }
    const refused = await post({ camera, from: t0, to: t0 + 20_000 }, viewer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('stops at a safe lock, leaving no partial file, and answers 423 while locked', async () => {
    // Enough footage that the lock comes while the program is still at work: the same segments, 60 times over.
    const from = t0 + 3_600_000;
    for (let round = 0; round < 12; round++) index(sources, from + round * 5 * SEGMENT_S * 1000);
    const before = readdirSync(exportsDir()).sort();
    const socket = await progressSocket();
    const started = await post({ camera, from, to: from + 12 * 5 * SEGMENT_S * 1000 });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json<{ id: string }>();
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json()).toMatchObject({ state: 'locked' });
    const outcome = await finished(socket.pushes, id);
    socket.close();
    expect(outcome).toMatchObject({ state: 'failed', error: { code: 'VAULT_LOCKED' } });
    expect(readdirSync(exportsDir()).sort()).toEqual(before);
    expect(readdirSync(path.join(mount(), '.exports'))).toEqual([]);

    const locked = await post({ camera, from: t0, to: t0 + 20_000 });
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'VAULT_LOCKED' });
    const unlocked = await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'dev vault' },
    });
    expect(unlocked.json()).toMatchObject({ state: 'unlocked' });
  });
});

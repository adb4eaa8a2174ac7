import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS, type CameraSource, type SegmentMessage } from '../../media/protocol.js';
import { isKeyframe } from '../../media/stats.js';
import { decodeStamp } from '../../media/test-pattern/stamp.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { decodeSegment, type Decoded } from '../support/ts-segments.js';
import {
  assertWorkerBuilt,
  forkWorker,
  startRtpListener,
  START_DEFAULTS,
  until,
  type RtpListener,
  type WorkerHandle,
} from './worker-harness.js';

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 15;

const segmentsOf = (worker: WorkerHandle): SegmentMessage[] =>
  worker.messages.flatMap((m) => (m.type === 'segment' ? [m] : []));

/** A temp parent with the worker's segment directory in it, so a stray write next to it shows. */
function segmentDir(): { parent: string; dir: string } {
  const parent = mkdtempSync(path.join(tmpdir(), 'vigil-segments-'));
  const dir = path.join(parent, 'camera');
  mkdirSync(dir);
  return { parent, dir };
}

/** Every reported file is whole: its size, a decode from its first frame (a keyframe) to its end, its length. */
async function expectWholeSegment(segment: SegmentMessage): Promise<Decoded> {
  expect(statSync(segment.path).size).toBe(segment.bytes);
  const decoded = await decodeSegment(segment.path, WIDTH, HEIGHT);
  expect(decoded.code, decoded.stderr).toBe(0);
  expect(isKeyframe(decoded.elementary)).toBe(true);
  expect(Math.abs((decoded.frames * 1000) / FPS - segment.durationMs)).toBeLessThan(300);
  return decoded;
}

describe('camera worker: recording segments', () => {
  let rtp: RtpListener;
  let server: RtspServer;
  const workers: WorkerHandle[] = [];
  const parents: string[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    rtp = await startRtpListener();
    server = await startRtspServer();
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill();
    rtp.close();
    await server.stop();
    for (const parent of parents) rmSync(parent, { recursive: true, force: true });
  });

  const start = (
    source: CameraSource,
    seconds: number,
  ): { worker: WorkerHandle; parent: string; dir: string } => {
    const { parent, dir } = segmentDir();
    parents.push(parent);
    const worker = forkWorker();
    workers.push(worker);
    worker.send({
      type: 'start',
      cameraId: 40,
      source,
      rtp: { host: '127.0.0.1', port: rtp.port },
      ...START_DEFAULTS,
      segments: { dir, seconds },
    });
    return { worker, parent, dir };
  };

  it('cuts the test camera into contiguous, decodable 2 s MPEG-TS files inside its directory only', async () => {
    const { worker, parent, dir } = start({ kind: 'test', width: WIDTH, height: HEIGHT, fps: FPS }, 2);
    const before = readdirSync(parent);
    await worker.waitFor('ready', READY_TIMEOUT_MS);
    expect(await until(() => segmentsOf(worker).length >= 2, 8_000)).toBe(true);
    const stopAt = Date.now();
    worker.send({ type: 'stop' });
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - stopAt).toBeLessThan(2_000);

    const segments = segmentsOf(worker);
    expect(segments.map((s) => s.sequence)).toEqual(segments.map((_, i) => i));
    const offsets: number[] = [];
    for (const [i, segment] of segments.entries()) {
      expect(path.dirname(segment.path)).toBe(dir);
      expect(path.basename(segment.path)).toBe(`${String(i).padStart(8, '0')}.ts`);
      expect(segment.bytes).toBeGreaterThan(0);
      expect(segment.durationMs).toBeGreaterThanOrEqual(1500);
      expect(segment.durationMs).toBeLessThanOrEqual(3500);
      // x264 makes a keyframe every 15 frames (1 s at 15 fps), and every file starts with one.
      expect(segment.keyframes).toBeGreaterThanOrEqual(1);
      expect(Math.abs(segment.keyframes - segment.durationMs / 1000)).toBeLessThan(1);
      const previous = segments[i - 1];
      if (previous !== undefined) {
        expect(segment.startedAt).toBeGreaterThan(previous.startedAt);
        expect(Math.abs(segment.startedAt - (previous.startedAt + previous.durationMs))).toBeLessThanOrEqual(
          150,
        );
      }
      const decoded = await expectWholeSegment(segment);
      // The session timeline is the wall clock: the first picture carries the time it was drawn.
      const stamp = decoded.first === null ? null : decodeStamp(decoded.first, WIDTH, HEIGHT);
      expect(stamp).not.toBeNull();
      expect(Math.abs((stamp ?? 0) - segment.startedAt)).toBeLessThan(150);
      offsets.push(segment.startedAt - (stamp ?? 0));
    }
    console.info(
      `segments: ${segments.map((s) => `${s.durationMs} ms/${s.keyframes} keyframes`).join(', ')}; ` +
        `startedAt − first picture's stamp: ${offsets.join(', ')} ms`,
    );
    // Besides the reported files only the one still open at stop (never reported, never an EOS); nothing outside.
    const reported = new Set(segments.map((s) => path.basename(s.path)));
    const others = readdirSync(dir).filter((name) => !reported.has(name));
    expect(others.length).toBeLessThanOrEqual(1);
    for (const name of others) expect(name).toBe(`${String(segments.length).padStart(8, '0')}.ts`);
    expect(readdirSync(parent)).toEqual(before);
    expect(worker.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('records RTSP H.264 as the camera sends it, without re-encoding', async () => {
    const { worker } = start({ kind: 'rtsp', url: server.url('/h264'), transport: 'tcp', latencyMs: 100 }, 2);
    expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toEqual({
      type: 'ready',
      sourceCodec: 'h264',
      transcoded: false,
    });
    expect(await until(() => segmentsOf(worker).length >= 2, 9_000)).toBe(true);
    worker.kill();
    for (const segment of segmentsOf(worker).slice(0, 2)) {
      expect(segment.keyframes).toBeGreaterThanOrEqual(1);
      expect(segment.durationMs).toBeGreaterThanOrEqual(1500);
      expect(segment.durationMs).toBeLessThanOrEqual(3500);
      await expectWholeSegment(segment);
    }
  });

  it('leaves a decodable file behind when killed mid-segment', async () => {
    const { worker, dir } = start({ kind: 'test', width: WIDTH, height: HEIGHT, fps: FPS }, 4);
    await worker.waitFor('segment', READY_TIMEOUT_MS + 8_000);
    // Halfway through the next 4 s segment, with a few GOPs of it already written.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    worker.kill();
    expect((await worker.exited).signal).toBe('SIGKILL');
    const reported = new Set(segmentsOf(worker).map((s) => s.path));
    const unfinished = readdirSync(dir)
      .map((name) => path.join(dir, name))
      .filter((file) => !reported.has(file));
    expect(unfinished).toHaveLength(1);
    const decoded = await decodeSegment(unfinished[0] ?? '', WIDTH, HEIGHT);
    console.info(
      `killed mid-segment: ${decoded.frames} frames decode from the unfinished file (exit ${decoded.code})`,
    );
    expect(decoded.frames, decoded.stderr).toBeGreaterThan(0);
    expect(isKeyframe(decoded.elementary)).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS } from '../../media/protocol.js';
import {
  assertWorkerBuilt,
  forkWorker,
  makeClip,
  startRtpListener,
  START_DEFAULTS,
  until,
  type WorkerHandle,
} from './worker-harness.js';

// File sources through the real worker: probed, decoded, re-encoded, and played in a loop.
describe('camera worker: file source', () => {
  let dir: string;
  let clip: string;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-media-'));
    clip = path.join(dir, 'two seconds.mp4');
    await makeClip(clip, 2);
  });

  afterAll(() => {
    for (const worker of workers) worker.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const fork = (): WorkerHandle => {
    const worker = forkWorker();
    workers.push(worker);
    return worker;
  };

  it('probes a file: codec, size and rate, then exits 0', async () => {
    const worker = fork();
    worker.send({ type: 'probe', source: { kind: 'file', path: clip }, timeoutMs: 5_000 });
    expect(await worker.waitFor('probe-result', 5_000)).toEqual({
      type: 'probe-result',
      codec: 'h264',
      width: 320,
      height: 240,
      fps: 15,
      audio: null,
    });
    expect((await worker.exited).code).toBe(0);
  });

  it('loops a 2 s file: frames and RTP keep coming well past its end', async () => {
    const rtp = await startRtpListener();
    const worker = fork();
    try {
      worker.send({
        type: 'start',
        cameraId: 10,
        source: { kind: 'file', path: clip },
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toEqual({
        type: 'ready',
        sourceCodec: 'h264',
        transcoded: true,
      });
      const readyAt = Date.now();
      // Three passes through the clip.
      expect(await until(() => Date.now() - readyAt > 6_000, 7_000)).toBe(true);
      const stats = worker.messages.filter((m) => m.type === 'stats');
      const late = stats.slice(-3);
      expect(late).toHaveLength(3);
      for (const m of late) {
        expect(m.fps).toBeGreaterThan(12);
        expect(m.fps).toBeLessThan(18);
        expect(m).toMatchObject({ width: 320, height: 240 });
      }
      const lastSecond = rtp.packets.filter((p) => p.at > Date.now() - 1_000);
      expect(lastSecond.length).toBeGreaterThan(15);
      expect(worker.messages.filter((m) => m.type === 'error')).toEqual([]);
      worker.send({ type: 'stop' });
      expect((await worker.exited).code).toBe(0);
    } finally {
      rtp.close();
    }
  });

  it('reports a missing file as NOT_FOUND and exits non-zero', async () => {
    const worker = fork();
    worker.send({
      type: 'start',
      cameraId: 11,
      source: { kind: 'file', path: path.join(dir, 'missing.mp4') },
      rtp: { host: '127.0.0.1', port: 9 },
      ...START_DEFAULTS,
    });
    expect(await worker.waitFor('error', 5_000)).toMatchObject({ code: 'NOT_FOUND', fatal: true });
    expect((await worker.exited).code).toBe(1);
  });

  it('reports a file that is not video as UNSUPPORTED_CODEC', async () => {
    const worker = fork();
    worker.send({
      type: 'probe',
      source: { kind: 'file', path: path.join(import.meta.dirname, 'worker.test.ts') },
      timeoutMs: 5_000,
    });
    expect(await worker.waitFor('error', 6_000)).toMatchObject({ code: 'UNSUPPORTED_CODEC', fatal: true });
    expect((await worker.exited).code).toBe(1);
  });

  it('reports a missing V4L2 device as NOT_FOUND (this machine has no camera)', async () => {
    const worker = fork();
    worker.send({ type: 'probe', source: { kind: 'v4l2', device: '/dev/video99' }, timeoutMs: 2_000 });
    expect(await worker.waitFor('error', 5_000)).toMatchObject({ code: 'NOT_FOUND', fatal: true });
  });
});

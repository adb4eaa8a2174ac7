import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS, type CameraSource } from '../../media/protocol.js';
import { samplePicture } from '../inference/fixtures.js';
import { makePersonPicture } from '../support/clips.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { startSceneCamera } from '../support/scene-camera.js';
import {
  assertWorkerBuilt,
  forkWorker,
  jpegInfo,
  jpegToRgba,
  startRtpListener,
  START_DEFAULTS,
  until,
  type WorkerHandle,
} from './worker-harness.js';

const USER = 'camuser';

/** Share of RGBA pixels that are the green of an all-zero YUV sample (a part of the picture never decoded). */
function blankShare(rgba: Buffer): number {
  let blank = 0;
  for (let i = 0; i < rgba.length; i += 4)
    if ((rgba[i + 1] ?? 0) > 100 && (rgba[i] ?? 0) < 40 && (rgba[i + 2] ?? 0) < 40) blank++;
  return blank / (rgba.length / 4);
}
const PASSWORD = 'pa ss!w0rd';

// RTSP cameras: a real gst-rtsp-server (H.264 / H.265 / MJPEG, basic auth) and the real worker.
describe('camera worker: RTSP', () => {
  let server: RtspServer;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    server = await startRtspServer({ user: USER, password: PASSWORD });
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill();
    await server.stop();
  });

  const fork = (): WorkerHandle => {
    const worker = forkWorker();
    workers.push(worker);
    return worker;
  };
  const camera = (url: string, password = PASSWORD, username = USER): CameraSource => ({
    kind: 'rtsp',
    url,
    username,
    password,
    transport: 'tcp',
    latencyMs: 100,
  });

  it('probes H.264 and H.265 streams for codec and size, and AAC or G.711 audio beside them', async () => {
    for (const [mount, codec, audio] of [
      ['/h264', 'h264', null],
      ['/h265', 'h265', null],
      ['/h264-aac', 'h264', 'aac'],
      ['/h264-pcma', 'h264', 'pcma'],
    ] as const) {
      const worker = fork();
      worker.send({ type: 'probe', source: camera(server.url(mount)), timeoutMs: 8_000 });
      expect(await worker.waitFor('probe-result', 9_000)).toEqual({
        type: 'probe-result',
        codec,
        width: 320,
        height: 240,
        fps: 15,
        audio,
      });
      expect((await worker.exited).code).toBe(0);
    }
  });

  it('reports a wrong password as AUTH_FAILED, without credentials in the message', async () => {
    const worker = fork();
    worker.send({ type: 'probe', source: camera(server.url('/h264'), 'wrong-password'), timeoutMs: 5_000 });
    const error = await worker.waitFor('error', 6_000);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', fatal: true });
    expect(error.message).toMatch(/401/);
    expect((await worker.exited).code).toBe(1);
  });

  it('scrubs the user name even where GStreamer repeats it', async () => {
    // A user named like the server's answer: the real error text contains the "secret", and must not leak it.
    const worker = fork();
    worker.send({
      type: 'probe',
      source: camera(server.url('/h264'), 'x', 'Unauthorized'),
      timeoutMs: 5_000,
    });
    const error = await worker.waitFor('error', 6_000);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).not.toContain('Unauthorized');
    expect(error.message).toContain('***');
  });

  it('reports a closed port as UNREACHABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const worker = fork();
    worker.send({ type: 'probe', source: camera(`rtsp://127.0.0.1:${port}/h264`), timeoutMs: 5_000 });
    expect(await worker.waitFor('error', 6_000)).toMatchObject({ code: 'UNREACHABLE', fatal: true });
  });

  it('reports an unknown path as NOT_FOUND', async () => {
    const worker = fork();
    worker.send({ type: 'probe', source: camera(`${server.url('/h264')}-nope`), timeoutMs: 5_000 });
    expect(await worker.waitFor('error', 6_000)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('passes H.264 through to RTP without transcoding, with stills decoded on the side', async () => {
    const rtp = await startRtpListener();
    const worker = fork();
    try {
      worker.send({
        type: 'start',
        cameraId: 20,
        source: camera(server.url('/h264')),
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toEqual({
        type: 'ready',
        sourceCodec: 'h264',
        transcoded: false,
      });
      expect(await until(() => rtp.packets.length > 30, 5_000)).toBe(true);
      expect(rtp.packets.every((p) => p.payloadType === 96)).toBe(true);
      const types = new Set(rtp.packets.flatMap((p) => p.nalTypes));
      expect([7, 8, 5].filter((t) => types.has(t))).toEqual([7, 8, 5]);
      const still = await worker.waitFor('still', 5_000);
      expect(jpegInfo(still.jpeg)).toEqual({ width: 320, height: 240 });
      // The camera sends several slices a frame (x264 zerolatency): every decoded picture must be whole. A
      // decoder that emits a frame per slice leaves the rest of it blank, which shows as pure green.
      expect(await until(() => worker.messages.filter((m) => m.type === 'still').length >= 6, 6_000)).toBe(
        true,
      );
      const stills = worker.messages.flatMap((m) => (m.type === 'still' ? [m.jpeg] : []));
      const green = await Promise.all(stills.map(async (jpeg) => blankShare(await jpegToRgba(jpeg))));
      expect(green.filter((share) => share > 0.02)).toEqual([]);
      const stats = await worker.waitFor('stats', 3_000, (m) => m.fps > 0);
      expect(stats).toMatchObject({ width: 320, height: 240 });
      // A keyframe request goes up to the RTSP source, which need not obey; the stream just goes on.
      worker.send({ type: 'keyframe' });
      const after = rtp.packets.length;
      expect(await until(() => rtp.packets.length - after > 30, 3_000)).toBe(true);
      expect(worker.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      worker.kill();
      rtp.close();
    }
  });

  it('decodes a passed-through stream with no damaged picture when much of it changes at once', async () => {
    // The scene camera: a still grey room where a person appears and leaves on command (several slices a
    // frame). Outside the person's square every decoded picture must stay grey; a decoder fed the wrong form
    // of the stream smears the change across the rest of the picture for seconds.
    const photoDir = mkdtempSync(path.join(tmpdir(), 'vigil-scene-'));
    const photo = path.join(photoDir, 'person.jpg');
    await makePersonPicture(await samplePicture('samples.jpg'), photo);
    const scene = await startSceneCamera([], photo);
    const worker = fork();
    const rtp = await startRtpListener();
    try {
      worker.send({
        type: 'start',
        cameraId: 22,
        source: { kind: 'rtsp', url: scene.url('/scene'), transport: 'tcp', latencyMs: 200 },
        rtp: { host: '127.0.0.1', port: rtp.port },
        // Every decoded frame as a still, so a damaged one cannot slip between two samples.
        stills: { fps: 15, maxWidth: 640, quality: 90 },
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toMatchObject({ transcoded: false });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (let i = 0; i < 5; i++) {
        await scene.set(true);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        await scene.set(false);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
      }
      const pictures = worker.messages.flatMap((m) => (m.type === 'still' ? [m.jpeg] : []));
      expect(pictures.length).toBeGreaterThan(60);
      const damaged: number[] = [];
      for (const [index, jpeg] of pictures.entries()) {
        const rgba = await jpegToRgba(jpeg);
        // 640 × 360; the person covers x 240–480, y 60–300: look at the bands above and below it.
        let off = 0;
        for (const y of [4, 20, 40, 320, 340, 356])
          for (let x = 0; x < 640; x += 8) if (Math.abs((rgba[(y * 640 + x) * 4 + 1] ?? 0) - 128) > 24) off++;
        if (off > 8) damaged.push(index);
      }
      expect(damaged).toEqual([]);
    } finally {
      worker.kill();
      rtp.close();
      scene.stop();
      rmSync(photoDir, { recursive: true, force: true });
    }
  }, 45_000);

  it('transcodes H.265 to H.264', async () => {
    const rtp = await startRtpListener();
    const worker = fork();
    try {
      worker.send({
        type: 'start',
        cameraId: 21,
        source: camera(server.url('/h265')),
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toEqual({
        type: 'ready',
        sourceCodec: 'h265',
        transcoded: true,
      });
      expect(await until(() => rtp.packets.some((p) => p.nalTypes.includes(5)), 5_000)).toBe(true);
      expect(rtp.packets.every((p) => p.payloadType === 96)).toBe(true);
    } finally {
      worker.kill();
      rtp.close();
    }
  });

  it('reports a camera that goes away and exits non-zero (the supervisor restarts it)', async () => {
    const own = await startRtspServer();
    const rtp = await startRtpListener();
    const worker = fork();
    try {
      worker.send({
        type: 'start',
        cameraId: 22,
        source: { kind: 'rtsp', url: own.url('/mjpeg'), transport: 'tcp', latencyMs: 100 },
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toMatchObject({
        sourceCodec: 'jpeg',
        transcoded: true,
      });
      await own.stop();
      expect(await worker.waitFor('error', 8_000)).toMatchObject({ fatal: true });
      expect((await worker.exited).code).toBe(1);
    } finally {
      rtp.close();
      await own.stop();
    }
  });
});

import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS } from '../../media/protocol.js';
import { decodeStamp } from '../../media/test-pattern/stamp.js';
import {
  assertWorkerBuilt,
  forkWorker,
  jpegInfo,
  jpegToRgba,
  startRtpListener,
  START_DEFAULTS,
  until,
  type RtpListener,
  type WorkerHandle,
} from './worker-harness.js';

// The test camera through the real worker (dist/media/worker.js, as the server forks it) and real GStreamer.
describe('camera worker: test camera 1280x720 @ 30', () => {
  let worker: WorkerHandle;
  let rtp: RtpListener;
  let readyAfterMs = 0;

  beforeAll(async () => {
    assertWorkerBuilt();
    rtp = await startRtpListener();
    worker = forkWorker();
    const sentAt = Date.now();
    worker.send({
      type: 'start',
      cameraId: 1,
      source: { kind: 'test', width: 1280, height: 720, fps: 30 },
      rtp: { host: '127.0.0.1', port: rtp.port },
      ...START_DEFAULTS,
    });
    await worker.waitFor('ready', READY_TIMEOUT_MS);
    readyAfterMs = Date.now() - sentAt;
    console.info(`test camera: start → ready ${readyAfterMs} ms`);
  });

  afterAll(() => {
    worker.kill();
    rtp.close();
  });

  it('is ready within the protocol deadline and says it transcodes raw frames', () => {
    expect(readyAfterMs).toBeLessThan(READY_TIMEOUT_MS);
    expect(worker.messages.find((m) => m.type === 'ready')).toEqual({
      type: 'ready',
      sourceCodec: 'raw',
      transcoded: true,
    });
  });

  it('sends H.264 RTP with payload type 96, parameter sets and keyframes to the given port', async () => {
    const from = rtp.packets.length;
    expect(await until(() => rtp.packets.length - from > 30, 5_000)).toBe(true);
    const windowStart = Date.now();
    await until(() => Date.now() - windowStart >= 2_000, 3_000);
    const recent = rtp.packets.filter((p) => p.at >= windowStart);
    console.info(`test camera: ${Math.round(recent.length / 2)} RTP packets/s`);
    expect(rtp.packets.every((p) => p.payloadType === 96)).toBe(true);
    const types = new Set(rtp.packets.flatMap((p) => p.nalTypes));
    expect(types).toContain(7); // SPS
    expect(types).toContain(8); // PPS
    expect(types).toContain(5); // IDR
  });

  it('makes a keyframe at once when asked (a viewer joined), merging requests closer than 250 ms', async () => {
    /** Arrival times of the keyframes (IDR frames, by RTP timestamp) that started at or after `since`. */
    const keyframesSince = (since: number) => {
      const firsts = new Map<number, number>();
      for (const p of rtp.packets) {
        if (p.at >= since && p.nalTypes.includes(5) && !firsts.has(p.timestamp))
          firsts.set(p.timestamp, p.at);
      }
      return [...firsts.values()];
    };
    // The GOP is a second: asked for 1.5 s after a keyframe, the next natural one is still 0.5 s away.
    const natural = Date.now();
    await until(() => keyframesSince(natural).length > 0, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const asked = Date.now();
    worker.send({ type: 'keyframe' });
    expect(await until(() => keyframesSince(asked).length > 0, 2_000)).toBe(true);
    const delay = (keyframesSince(asked)[0] ?? Infinity) - asked;
    console.info(`test camera: keyframe request → IDR on the wire ${delay} ms`);
    expect(delay).toBeLessThan(200);

    // Five requests within 50 ms: one keyframe now, one more at the end of the gap, nothing per request.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const burst = Date.now();
    for (let i = 0; i < 5; i++) {
      worker.send({ type: 'keyframe' });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(keyframesSince(burst).length).toBe(2);
  });

  it('reports stats every second at about the configured rate', async () => {
    const stats = await until(() => worker.messages.filter((m) => m.type === 'stats').length >= 3, 5_000);
    expect(stats).toBe(true);
    const last = worker.messages.filter((m) => m.type === 'stats').slice(-2);
    for (const m of last) {
      expect(m).toMatchObject({ width: 1280, height: 720 });
      expect(m.fps).toBeGreaterThan(25);
      expect(m.fps).toBeLessThan(35);
      expect(m.bitrateKbps).toBeGreaterThan(100);
      expect(Date.now() - (m.lastFrameAt ?? 0)).toBeLessThan(3_000);
    }
    // The GOP is a second, so a few seconds of stats count keyframes.
    const all = worker.messages.filter((m) => m.type === 'stats');
    expect(all.reduce((sum, m) => sum + m.keyframes, 0)).toBeGreaterThan(0);
  });

  it('sends JPEG stills at most 640 px wide, about twice a second, with a readable time stamp', async () => {
    const first = worker.messages.filter((m) => m.type === 'still').length;
    const since = Date.now();
    expect(
      await until(() => worker.messages.filter((m) => m.type === 'still').length - first >= 4, 5_000),
    ).toBe(true);
    const elapsed = (Date.now() - since) / 1000;
    const stills = worker.messages.filter((m) => m.type === 'still');
    expect((stills.length - first) / elapsed).toBeLessThan(3.5);
    const still = stills[stills.length - 1]!;
    expect(jpegInfo(still.jpeg)).toEqual({ width: 640, height: 360 });
    expect([still.width, still.height]).toEqual([640, 360]);
    const rgba = await jpegToRgba(still.jpeg);
    expect(rgba.length).toBe(640 * 360 * 4);
    const stamp = decodeStamp(rgba, 640, 360);
    expect(stamp).not.toBeNull();
    expect(Math.abs((stamp ?? 0) - still.at)).toBeLessThan(3_000);
    expect(Math.abs((stamp ?? 0) - Date.now())).toBeLessThan(5_000);
  });

  it('keeps the stamp readable through H.264 ultrafast on the live branch', async () => {
    // A GStreamer receiver decodes the worker's RTP (forwarded from our socket) and writes RGBA frames to stdout.
    const relay = createSocket('udp4');
    await new Promise<void>((r) => relay.bind(0, '127.0.0.1', r));
    const port = relay.address().port;
    relay.close();
    const decoder = spawn(
      'gst-launch-1.0',
      [
        '-q',
        'udpsrc',
        'address=127.0.0.1',
        `port=${port}`,
        'caps=application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96',
        '!',
        'rtph264depay',
        '!',
        'avdec_h264',
        'max-threads=1',
        '!',
        'videoconvert',
        '!',
        'video/x-raw,format=RGBA',
        '!',
        'fdsink',
        'fd=1',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const forward = createSocket('udp4');
    rtp.onPacket = (packet) => forward.send(packet, port, '127.0.0.1');
    const frameSize = 1280 * 720 * 4;
    let chunks: Buffer[] = [];
    let buffered = 0;
    let frames = 0;
    const latencies: number[] = [];
    decoder.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      while (buffered >= frameSize) {
        const all = Buffer.concat(chunks);
        const stamp = decodeStamp(all.subarray(0, frameSize), 1280, 720);
        // The first frames wait for the decoder to start; the rest show the steady state.
        if (stamp !== null && ++frames > 15) latencies.push(Date.now() - stamp);
        chunks = [all.subarray(frameSize)];
        buffered -= frameSize;
      }
    });
    try {
      expect(await until(() => latencies.length >= 30, 15_000)).toBe(true);
    } finally {
      delete rtp.onPacket;
      forward.close();
      decoder.kill('SIGKILL');
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.info(
      `test camera: stamp → worker → RTP → decoded frame p50 ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
        `max ${sorted[sorted.length - 1]} ms (${sorted.length} frames)`,
    );
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(500);
  });

  it('stops cleanly on stop and exits 0', async () => {
    const sentAt = Date.now();
    worker.send({ type: 'stop' });
    const { code, at } = await worker.exited;
    expect(code).toBe(0);
    expect(at - sentAt).toBeLessThan(2_000);
  });
});

describe('camera worker lifecycle', () => {
  beforeAll(() => assertWorkerBuilt());

  it('exits within 2 s when its IPC channel closes (the server died)', async () => {
    const rtp = await startRtpListener();
    const worker = forkWorker();
    try {
      worker.send({
        type: 'start',
        cameraId: 2,
        source: { kind: 'test', width: 640, height: 360, fps: 15 },
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
      });
      await worker.waitFor('ready', READY_TIMEOUT_MS);
      const closedAt = Date.now();
      worker.child.disconnect();
      const { code, at } = await worker.exited;
      expect(at - closedAt).toBeLessThan(2_000);
      expect(code).toBe(0);
    } finally {
      worker.kill();
      rtp.close();
    }
  });

  it('refuses a malformed start with BAD_CONFIG and exits non-zero', async () => {
    const worker = forkWorker();
    try {
      worker.child.send({
        type: 'start',
        cameraId: 3,
        source: { kind: 'test', width: 641, height: 360, fps: 15 },
      });
      const error = await worker.waitFor('error', 5_000);
      expect(error).toMatchObject({ code: 'BAD_CONFIG', fatal: true });
      expect((await worker.exited).code).toBe(1);
    } finally {
      worker.kill();
    }
  });
});

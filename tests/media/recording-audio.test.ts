import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS, type SegmentMessage } from '../../media/protocol.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { decodeSegment } from '../support/ts-segments.js';
import {
  assertWorkerBuilt,
  forkWorker,
  startRtpListener,
  START_DEFAULTS,
  until,
  type RtpListener,
  type WorkerHandle,
} from './worker-harness.js';

const RATE = 16_000;

/** The AAC in a segment decoded to 16 kHz mono S16: its length in ms, or null when it has no audio. */
async function audioMs(file: string): Promise<number | null> {
  const out = path.join(path.dirname(file), `${path.basename(file)}.pcm`);
  try {
    await promisify(execFile)('gst-launch-1.0', [
      '-q',
      ...['filesrc', `location=${file}`, '!', 'tsdemux', '!', 'aacparse', '!', 'avdec_aac', '!'],
      ...['audioconvert', '!', 'audioresample', '!', `audio/x-raw,format=S16LE,rate=${RATE},channels=1`, '!'],
      ...['filesink', `location=${out}`],
    ]);
  } catch {
    return null;
  }
  const { size } = await import('node:fs').then((fs) => fs.statSync(out));
  return (size / 2 / RATE) * 1000;
}

// A camera with a microphone: its AAC is kept in the recording beside its H.264, neither re-encoded.
describe('camera worker: recording audio', () => {
  let rtp: RtpListener;
  let server: RtspServer;
  let parent: string;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    rtp = await startRtpListener();
    server = await startRtspServer();
    parent = mkdtempSync(path.join(tmpdir(), 'vigil-audio-'));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill();
    rtp.close();
    await server.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it.each([
    ['AAC', '/h264-aac', 42],
    ['G.711 A-law (as AAC)', '/h264-pcma', 44],
  ] as const)(
    'keeps an RTSP camera’s %s in every segment, as long as its video',
    async (_codec, mount, cameraId) => {
      const dir = path.join(parent, mount.slice(1));
      mkdirSync(dir);
      const worker = forkWorker();
      workers.push(worker);
      worker.send({
        type: 'start',
        cameraId,
        source: { kind: 'rtsp', url: server.url(mount), transport: 'tcp', latencyMs: 100 },
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
        segments: { dir, seconds: 2 },
      });
      expect(await worker.waitFor('ready', READY_TIMEOUT_MS)).toMatchObject({ transcoded: false });
      const segments = () =>
        worker.messages.flatMap<SegmentMessage>((m) => (m.type === 'segment' ? [m] : []));
      expect(await until(() => segments().length >= 3, 15_000)).toBe(true);
      // The first segment starts with whatever audio came before the first keyframe: check the whole ones.
      for (const segment of segments().slice(1, 3)) {
        const video = await decodeSegment(segment.path, 320, 240);
        expect(video.code, video.stderr).toBe(0);
        const ms = await audioMs(segment.path);
        expect(ms, `no audio in ${segment.path}`).not.toBeNull();
        expect(Math.abs((ms ?? 0) - segment.durationMs)).toBeLessThan(300);
      }
    },
  );

  it('records a camera without audio as video only', async () => {
    const dir = path.join(parent, 'silent');
    mkdirSync(dir);
    const worker = forkWorker();
    workers.push(worker);
    worker.send({
      type: 'start',
      cameraId: 43,
      source: { kind: 'rtsp', url: server.url('/h264'), transport: 'tcp', latencyMs: 100 },
      rtp: { host: '127.0.0.1', port: rtp.port },
      ...START_DEFAULTS,
      segments: { dir, seconds: 2 },
    });
    await worker.waitFor('ready', READY_TIMEOUT_MS);
    const segments = () => worker.messages.flatMap<SegmentMessage>((m) => (m.type === 'segment' ? [m] : []));
    expect(await until(() => segments().length >= 2, 12_000)).toBe(true);
    const [first] = segments();
    expect(await audioMs(first?.path ?? '')).toBeNull();
  });
});

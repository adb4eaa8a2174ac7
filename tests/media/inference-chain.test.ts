import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraAnalysis, InferenceToServer } from '../../inference/protocol.js';
import { freshModels, samplePicture } from '../inference/fixtures.js';
import { makePeopleClip, makeStillClip } from '../support/clips.js';
import {
  assertWorkerBuilt,
  forkWorker,
  startRtpListener,
  START_DEFAULTS,
  until,
  type WorkerHandle,
} from './worker-harness.js';

const INFERENCE_JS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../dist/inference/worker.js',
);

interface InferenceHandle {
  child: ChildProcess;
  messages: InferenceToServer[];
  waitFor<T extends InferenceToServer['type']>(
    type: T,
    timeoutMs: number,
    where?: (m: Extract<InferenceToServer, { type: T }>) => boolean,
  ): Promise<Extract<InferenceToServer, { type: T }>>;
}

function forkInference(): InferenceHandle {
  const child = fork(INFERENCE_JS, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const messages: InferenceToServer[] = [];
  child.on('message', (m: InferenceToServer) => messages.push(m));
  return {
    child,
    messages,
    async waitFor(type, timeoutMs, where = () => true) {
      const match = () => messages.find((m) => m.type === type && where(m as never)) as never;
      if (!(await until(() => messages.some((m) => m.type === type && where(m as never)), timeoutMs)))
        throw new Error(`no ${type} within ${timeoutMs} ms`);
      return match();
    },
  };
}

const camera = (cameraId: number, mode: CameraAnalysis['mode'] = 'objects'): CameraAnalysis => ({
  cameraId,
  mode,
  labels: ['person', 'car', 'dog', 'cat'],
  minScore: {},
  defaultScore: 0.4,
  motion: { sensitivity: 70, minArea: 0.0005, masks: [] },
  zones: [
    {
      name: 'left half',
      polygon: [
        { x: 0, y: 0 },
        { x: 0.5, y: 0 },
        { x: 0.5, y: 1 },
        { x: 0, y: 1 },
      ],
    },
  ],
  faces: true,
});

describe('camera worker → inference worker', () => {
  let dir: string;
  let modelsDir: string;
  let clip: string;
  const children: ChildProcess[] = [];
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-inference-'));
    ({ dir: modelsDir } = await freshModels());
    clip = path.join(dir, 'people.mp4');
    await makePeopleClip(clip, await samplePicture('samples.jpg'), 3, 4);
  });

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    for (const worker of workers) worker.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startChain(cameraId: number, source = clip) {
    const inference = forkInference();
    children.push(inference.child);
    const socket = path.join(dir, `frames-${cameraId}.sock`);
    inference.child.send({
      type: 'start',
      socket,
      modelsDir,
      threads: 1,
      cameras: [camera(cameraId)],
      faces: [],
      faceThreshold: 0.75,
    });
    await inference.waitFor('ready', 20_000);
    const rtp = await startRtpListener();
    const worker = forkWorker();
    workers.push(worker);
    worker.send({
      type: 'start',
      cameraId,
      source: { kind: 'file', path: source },
      rtp: { host: '127.0.0.1', port: rtp.port },
      ...START_DEFAULTS,
      analysis: { socket, maxWidth: 640, fps: 5, idleFps: 2 },
    });
    return { inference, worker, rtp };
  }

  it('turns each appearance of the people photo into one person track with a snapshot, and counts frames', async () => {
    const { inference, worker, rtp } = await startChain(21);
    try {
      const started = await inference.waitFor(
        'track',
        30_000,
        (m) => m.phase === 'start' && m.track.label === 'person',
      );
      expect(started.cameraId).toBe(21);
      expect(started.snapshot?.jpeg.length).toBeGreaterThan(1000);
      expect(started.track.topScore).toBeGreaterThanOrEqual(0.4);
      // The photo goes away (the grey scene comes back): the track ends, and the next pass starts a new one.
      const ended = await inference.waitFor(
        'track',
        20_000,
        (m) => m.phase === 'end' && m.track.trackId === started.track.trackId,
      );
      expect(ended.track.endedAt).toBeGreaterThan(started.track.startedAt);
      const again = await inference.waitFor(
        'track',
        20_000,
        (m) => m.phase === 'start' && m.track.trackId !== started.track.trackId && m.track.label === 'person',
      );
      expect(again.track.startedAt).toBeGreaterThan(ended.track.endedAt!);
      // One start per appearance: no other person track began in between.
      const personStarts = inference.messages.filter(
        (m) => m.type === 'track' && m.phase === 'start' && m.track.label === 'person',
      );
      expect(personStarts).toHaveLength(2);
      const stats = await worker.waitFor('stats', 5_000, (m) => (m.analysis?.sent ?? 0) > 0);
      expect(stats.analysis).toMatchObject({ sent: expect.any(Number), dropped: expect.any(Number) });
      const detections = inference.messages.filter((m) => m.type === 'detections');
      expect(detections.some((m) => 'objects' in m && m.objects.some((o) => o.label === 'person'))).toBe(
        true,
      );
      expect(rtp.packets.length).toBeGreaterThan(0);
    } finally {
      rtp.close();
    }
  });

  it('starts nothing and runs no detector on a still scene', async () => {
    const still = path.join(dir, 'still.mp4');
    await makeStillClip(still, 2);
    const { inference, worker, rtp } = await startChain(22, still);
    try {
      // Several loops of the clip, analysed at the idle rate.
      await worker.waitFor('stats', 5_000, (m) => (m.analysis?.sent ?? 0) > 0);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(inference.messages.filter((m) => m.type === 'track')).toEqual([]);
      const stats = inference.messages.flatMap((m) => (m.type === 'stats' ? m.cameras : []));
      expect(stats.reduce((n, c) => n + c.analysed, 0)).toBeGreaterThan(5);
      expect(stats.reduce((n, c) => n + c.detectorRuns, 0)).toBe(0);
    } finally {
      rtp.close();
    }
  });
});

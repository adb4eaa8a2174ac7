import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS, type SegmentMessage } from '../../media/protocol.js';
import { makeStuckTimestampsClip } from '../support/clips.js';
import { decodeSegment } from '../support/ts-segments.js';
import {
  assertWorkerBuilt,
  forkWorker,
  startRtpListener,
  START_DEFAULTS,
  until,
  type WorkerHandle,
} from './worker-harness.js';

// A user's file camera is whatever file they have: one whose timestamps jump back and stall (x264's defaults
// after a concat write such files) must still record, not take the camera down.
describe('camera worker: recording a file with broken timestamps', () => {
  let dir: string;
  let clip: string;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    assertWorkerBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-stuck-'));
    clip = path.join(dir, 'stuck.mp4');
    await makeStuckTimestampsClip(clip);
  });
  afterAll(() => {
    for (const worker of workers) worker.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps running and cuts segments in order, each later than the one before', async () => {
    const rtp = await startRtpListener();
    const worker = forkWorker();
    workers.push(worker);
    const segmentsDir = path.join(dir, 'segments');
    mkdirSync(segmentsDir);
    try {
      worker.send({
        type: 'start',
        cameraId: 41,
        source: { kind: 'file', path: clip },
        rtp: { host: '127.0.0.1', port: rtp.port },
        ...START_DEFAULTS,
        segments: { dir: segmentsDir, seconds: 2 },
      });
      await worker.waitFor('ready', READY_TIMEOUT_MS);
      const segments = () =>
        worker.messages.flatMap<SegmentMessage>((m) => (m.type === 'segment' ? [m] : []));
      // Three passes through the 5 s clip, over its jumps each time.
      const enough = await until(() => segments().length >= 5, 20_000);
      expect(enough).toBe(true);
      expect(worker.messages.filter((m) => m.type === 'error')).toEqual([]);
      const list = segments();
      for (const [i, segment] of list.entries()) {
        expect(segment.sequence).toBe(i);
        const before = list[i - 1];
        // Contiguous: each starts where the one before ended, whatever the file's own times did.
        if (before)
          expect(Math.abs(segment.startedAt - (before.startedAt + before.durationMs))).toBeLessThan(150);
        const decoded = await decodeSegment(segment.path, 640, 360);
        expect(decoded.code, decoded.stderr).toBe(0);
        expect(Math.abs(decoded.frames * 100 - segment.durationMs)).toBeLessThan(300);
      }
    } finally {
      rtp.close();
    }
  });
});

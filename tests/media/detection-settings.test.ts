import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraAnalysis, InferenceToServer } from '../../inference/protocol.js';
import { createCameraFleet, type CameraFleet } from '../../server/cameras/camera-fleet.js';
import type { CameraRow } from '../../server/cameras/cameras.repository.js';
import { defaultDetectionSettings } from '../../server/detection/analysis-defaults.js';
import type { DetectionSettings } from '../../server/detection/detection-settings.schemas.js';
import {
  createInferenceSupervisor,
  type InferenceSupervisor,
} from '../../server/detection/inference-supervisor.js';
import { freshModels, samplePicture } from '../inference/fixtures.js';
import { makePeopleClip } from '../support/clips.js';
import { assertWorkerBuilt, startRtpListener, until, WORKER_JS, type RtpListener } from './worker-harness.js';

const INFERENCE_JS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../dist/inference/worker.js',
);

const WHOLE_PICTURE = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
];

const row = (id: number, changes: Partial<CameraRow>): CameraRow => ({
  id,
  name: `camera ${id}`,
  kind: 'file',
  url: null,
  device: null,
  path: 'people.mp4',
  username: null,
  password: null,
  enabled: 1,
  detect: 1,
  detection_settings: null,
  recording_settings: null,
  width: null,
  height: null,
  fps: null,
  rtsp_transport: 'tcp',
  latency_ms: 200,
  created_at: '2026-12-07T00:00:00.000Z',
  updated_at: '2026-12-07T00:00:00.000Z',
  ...changes,
});

/**
 * Settings through the server's fleet to the real workers: a file camera whose clip shows a person for 4 s
 * after 3 s of an empty scene, its camera worker (GStreamer) sending frames to the real inference worker.
 */
describe('per-camera detection settings reach the workers', () => {
  let dir: string;
  let rtp: RtpListener;
  let fleet: CameraFleet;
  let inference: InferenceSupervisor;
  const messages: InferenceToServer[] = [];
  const announced: CameraAnalysis[][] = [];
  const pidOf = (cameraId: number) => fleet.workers().find((w) => w.cameraId === cameraId)?.pid ?? null;
  /** The worker's process id once it has been forked (the fork follows the mountpoint lookup). */
  const forkedPid = async (cameraId: number, not: number | null = null) => {
    expect(await until(() => ![null, not].includes(pidOf(cameraId)), 10_000)).toBe(true);
    return pidOf(cameraId);
  };
  const personStarts = (cameraId: number) =>
    messages.filter(
      (m) =>
        m.type === 'track' && m.phase === 'start' && m.cameraId === cameraId && m.track.label === 'person',
    );
  const analysed = (cameraId: number) =>
    messages
      .flatMap((m) => (m.type === 'stats' ? m.cameras : []))
      .filter((c) => c.cameraId === cameraId)
      .reduce((n, c) => n + c.analysed, 0);
  const withSettings = (settings: DetectionSettings) =>
    row(31, { detection_settings: JSON.stringify(settings) });

  beforeAll(async () => {
    assertWorkerBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-detection-settings-'));
    const [{ dir: modelsDir }] = await Promise.all([
      freshModels(),
      makePeopleClip(path.join(dir, 'people.mp4'), await samplePicture('samples.jpg'), 3, 4),
    ]);
    const log = pino({ level: 'silent' });
    inference = createInferenceSupervisor({
      workerPath: INFERENCE_JS,
      modelsDir,
      threads: 1,
      runDir: path.join(dir, 'run'),
      log,
      onMessage: (message) => messages.push(message),
      onGone: () => undefined,
    });
    inference.start();
    expect(await until(() => inference.state().status === 'ready', 30_000)).toBe(true);
    rtp = await startRtpListener();
    fleet = createCameraFleet({
      log,
      workerPath: WORKER_JS,
      mediaDir: dir,
      ingest: {
        ensureMountpoint: () => Promise.resolve({ rtpPort: rtp.port }),
        removeMountpoint: async () => {},
      },
      detection: {
        socket: inference.socket,
        onCameras: (cameras) => {
          announced.push(cameras);
          inference.setCameras(cameras);
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await fleet.stopAll();
    await inference.stop();
    rtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a mask over the moving region stops events; lifting it applies at once, without a restart', async () => {
    // A second camera, detection off: it must never be restarted by the first one's settings.
    await fleet.apply(row(32, { detect: 0 }));
    const masked = defaultDetectionSettings();
    masked.motion.masks = [WHOLE_PICTURE];
    await fleet.apply(withSettings(masked));
    const cameraPid = await forkedPid(31);
    const otherPid = await forkedPid(32);
    expect(announced.at(-1)).toEqual([
      expect.objectContaining({ cameraId: 31, motion: expect.objectContaining({ masks: [WHOLE_PICTURE] }) }),
    ]);

    // More than one pass of the clip, frames analysed, and no event: the person appears only under the mask.
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    expect(analysed(31)).toBeGreaterThan(5);
    expect(personStarts(31)).toEqual([]);

    const open = {
      ...masked,
      motion: { ...masked.motion, masks: [] },
      zones: [{ name: 'Everywhere', polygon: WHOLE_PICTURE }],
    };
    await fleet.apply(withSettings(open));
    expect(announced.at(-1)?.[0]).toMatchObject({
      cameraId: 31,
      motion: { masks: [] },
      zones: [{ name: 'Everywhere' }],
    });
    expect(await until(() => personStarts(31).length > 0, 20_000)).toBe(true);
    expect(pidOf(31)).toBe(cameraPid);
    expect(pidOf(32)).toBe(otherPid);
  });

  it('a new analysis rate or size restarts only that camera, and detection goes on', async () => {
    const cameraPid = pidOf(31);
    const otherPid = pidOf(32);
    const before = announced.length;
    const slower = defaultDetectionSettings();
    slower.frames = { fps: 3, idleFps: 1, maxWidth: 320 };
    await fleet.apply(withSettings(slower));
    await forkedPid(31, cameraPid);
    expect(pidOf(32)).toBe(otherPid);
    // The inference worker heard the camera go and come back with the same analysis settings.
    expect(announced.length).toBeGreaterThan(before);
    expect(announced.at(-1)?.map((c) => c.cameraId)).toEqual([31]);
    const seen = personStarts(31).length;
    expect(await until(() => personStarts(31).length > seen, 25_000)).toBe(true);
  });
});

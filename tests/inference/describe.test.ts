import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_CROP_PX } from '../../inference/protocol.js';
import {
  createInferenceSupervisor,
  FACE_THRESHOLD,
  type InferenceSupervisor,
} from '../../server/detection/inference-supervisor.js';
import { dot } from '../support/faces.js';
import { freshModels, samplePicture } from './fixtures.js';

const WORKER_JS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../dist/inference/worker.js',
);

/** A JPEG of part of a picture, shrunk by `step` (nearest pixel), at another quality: the same face, new bytes. */
function recut(bytes: Buffer, region: { x: number; y: number; width: number; height: number }, step: number) {
  const picture = jpeg.decode(bytes, { formatAsRGBA: true });
  const width = Math.floor(region.width / step);
  const height = Math.floor(region.height / step);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = ((region.y + Math.floor(y * step)) * picture.width + region.x + Math.floor(x * step)) * 4;
      picture.data.copy(data, (y * width + x) * 4, from, from + 4);
    }
  return jpeg.encode({ data, width, height }, 70).data;
}

const blankJpeg = () =>
  jpeg.encode({ data: Buffer.alloc(320 * 240 * 4, 128), width: 320, height: 240 }, 80).data;

// The real inference worker (dist/inference/worker.js, built first) under the real supervisor, describing photos.
describe('describe: the faces of an uploaded photo', () => {
  let supervisor: InferenceSupervisor;
  let runDir: string;
  let faceId: Buffer;

  beforeAll(async () => {
    const { dir } = await freshModels();
    runDir = mkdtempSync(path.join(tmpdir(), 'vigil-describe-'));
    supervisor = createInferenceSupervisor({
      workerPath: WORKER_JS,
      modelsDir: dir,
      threads: 1,
      runDir,
      log: pino({ level: 'silent' }),
      onMessage: () => undefined,
      onGone: () => undefined,
    });
    await expect(supervisor.describe(blankJpeg())).rejects.toMatchObject({
      code: 'DETECTION_UNAVAILABLE',
      statusCode: 503,
    });
    supervisor.start();
    const deadline = Date.now() + 30_000;
    while (supervisor.state().status !== 'ready' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(supervisor.state().status).toBe('ready');
    faceId = await readFile(await samplePicture('screenshot-faceid.jpg'));
  });
  afterAll(async () => {
    await supervisor.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('describes the face of a photo with a unit descriptor, its box and a small crop', async () => {
    const [face, ...more] = await supervisor.describe(faceId);
    expect(more).toEqual([]);
    expect(face!.descriptor).toHaveLength(1024);
    expect(dot(face!.descriptor, face!.descriptor)).toBeCloseTo(1, 4);
    expect(face!.score).toBeGreaterThan(0.8);
    expect(face!.box.x).toBeGreaterThanOrEqual(0);
    expect(face!.box.x + face!.box.width).toBeLessThanOrEqual(1);
    const crop = jpeg.decode(face!.crop);
    expect(crop.width).toBe(crop.height);
    expect(crop.width).toBeLessThanOrEqual(FACE_CROP_PX);
    expect(crop.width).toBeGreaterThan(48);
  });

  it('matches the same face in another cut of the photo, and no one in a photo of other people', async () => {
    const [first] = await supervisor.describe(faceId);
    // The left half of the photo at 2/3 of its size, re-encoded: other pixels, the same person.
    const again = await supervisor.describe(recut(faceId, { x: 0, y: 60, width: 400, height: 480 }, 1.5));
    expect(again).toHaveLength(1);
    expect(dot(first!.descriptor, again[0]!.descriptor)).toBeGreaterThan(FACE_THRESHOLD);
    // With the detector's box given, the region itself is described: the very same descriptor.
    const boxed = await supervisor.describe(faceId, first!.box);
    expect(dot(first!.descriptor, boxed[0]!.descriptor)).toBeGreaterThan(0.99);

    const group = await supervisor.describe(await readFile(await samplePicture('screenshot-facedetect.jpg')));
    expect(group.length).toBeGreaterThanOrEqual(4);
    for (const other of group) expect(dot(first!.descriptor, other.descriptor)).toBeLessThan(FACE_THRESHOLD);
  });

  it('answers NO_FACE, BAD_IMAGE and IMAGE_TOO_LARGE with codes, and the worker keeps running', async () => {
    const pid = supervisor.state().pid;
    await expect(supervisor.describe(blankJpeg())).rejects.toMatchObject({
      code: 'NO_FACE',
      statusCode: 422,
    });
    await expect(supervisor.describe(Buffer.from('not a picture at all'))).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      statusCode: 422,
    });
    await expect(supervisor.describe(faceId.subarray(0, 600))).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    // A 5000 × 4000 picture: refused from its header, before 80 MB of pixels are decoded.
    const huge = jpeg.encode({ data: Buffer.alloc(5000 * 4000 * 4, 90), width: 5000, height: 4000 }, 50).data;
    await expect(supervisor.describe(huge)).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      statusCode: 413,
    });
    await expect(
      supervisor.describe(faceId, { x: 0.99, y: 0.99, width: 0.5, height: 0.5 }),
    ).rejects.toMatchObject({ code: 'NO_FACE' });

    expect(supervisor.state()).toMatchObject({ status: 'ready', pid, restarts: 0 });
    expect(await supervisor.describe(faceId)).toHaveLength(1);
  });

  it('rejects what is pending when the worker dies, and describes again after its restart', async () => {
    const pending = supervisor.describe(faceId);
    process.kill(supervisor.state().pid!, 'SIGKILL');
    await expect(pending).rejects.toMatchObject({ code: 'DETECTION_UNAVAILABLE' });
    const deadline = Date.now() + 30_000;
    while (supervisor.state().status !== 'ready' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await supervisor.describe(faceId)).toHaveLength(1);
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ssdModel, yoloModel } from '../../tests/support/onnx-models.js';
import { validateUserModel } from '../models/user-model.js';
import type { UserDetectorChoice } from '../protocol.js';
import { loadUserDetector, toPlanes } from './user-detector.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-user-detector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A validated choice for `bytes`, as the server would send it to the worker. */
async function choice(name: string, bytes: Buffer, labels: string[]): Promise<UserDetectorChoice> {
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, bytes);
  const { spec } = await validateUserModel(file, { labels });
  return { id: name, file, sha256: createHash('sha256').update(bytes).digest('hex'), spec };
}

/** A grey 64 × 48 picture: letterboxed into 32 px at scale 0.5, with 4 px bars above and below. */
const picture = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(128) };

describe('user detectors in onnxruntime', () => {
  it('runs a YOLO model and maps its box back to the picture', async () => {
    // Every anchor says: centre (16, 14), 8 × 12 in input pixels; person 0.9, car 0.2.
    const detector = await loadUserDetector(
      await choice('yolo', yoloModel([16, 14, 8, 12], [0.9, 0.2]), ['person', 'car']),
      { threads: 1 },
    );
    const found = await detector.detect(picture, { defaultScore: 0.5 });
    // Input x 12–20, y 8–20: picture x 12 / 0.5 = 24, y (8 − 4) / 0.5 = 8; one box left after NMS.
    expect(found).toEqual([
      { label: 'person', score: expect.closeTo(0.9, 5), box: { x: 24, y: 8, width: 16, height: 24 } },
    ]);
    await detector.release();
    await expect(detector.detect(picture, { defaultScore: 0.5 })).rejects.toThrow(/replaced/);
  });

  it('runs an SSD model on NHWC input', async () => {
    const detector = await loadUserDetector(
      await choice('ssd', ssdModel([0.25, 0.25, 0.75, 0.75], [0.1, 0.8], { nhwc: true }), ['bg', 'dog']),
      { threads: 1 },
    );
    const [dog] = await detector.detect(picture, { defaultScore: 0.5, labels: ['dog'] });
    // Input 8–24 px each way: picture x 16–48, y (8 − 4) × 2 = 8 to 40.
    expect(dog).toMatchObject({ label: 'dog', box: { x: 16, y: 8, width: 32, height: 32 } });
    await detector.release();
  });

  it('refuses a file that changed since it was validated', async () => {
    const valid = await choice('changed', yoloModel([1, 1, 1, 1], [0.5]), ['person']);
    writeFileSync(valid.file, yoloModel([2, 2, 2, 2], [0.5]));
    await expect(loadUserDetector(valid, { threads: 1 })).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
  });

  it('transposes NHWC pixels into planes', () => {
    expect(Array.from(toPlanes(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 2))).toEqual([
      1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12,
    ]);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { faceDescriptor, similarity } from '../../inference/detect/embedding.js';
import { detectFaces } from '../../inference/detect/faces.js';
import { detectObjects } from '../../inference/detect/objects.js';
import { decodeImageFile } from '../../inference/image/decode.js';
import type { RgbImage } from '../../inference/image/rgb.js';
import { loadShippedModel, type LoadedModel } from '../../inference/models/session.js';
import { freshModels, samplePicture } from './fixtures.js';

/** The similarity above which two descriptors are taken for the same person (the worker's default). */
const SAME_PERSON = 0.75;

let dir: string;
let objects: LoadedModel;
let faces: LoadedModel;
let descriptor: LoadedModel;

beforeAll(async () => {
  ({ dir } = await freshModels());
  const load = (id: string) => loadShippedModel(dir, id, { threads: 1 });
  [objects, faces, descriptor] = await Promise.all([load('centernet'), load('blazeface'), load('faceres')]);
});

const blank = (width: number, height: number, value: number): RgbImage => ({
  width,
  height,
  data: new Uint8Array(width * height * 3).fill(value),
});

describe('object detection (centernet)', () => {
  it('finds a person with score ≥ 0.5 in the sample photo of people', async () => {
    const found = await detectObjects(objects, await decodeImageFile(await samplePicture('samples.jpg')), {
      defaultScore: 0.3,
    });
    const people = found.filter((d) => d.label === 'person');
    expect(people[0]?.score).toBeGreaterThanOrEqual(0.5);
    for (const person of people) {
      expect(person.box.x).toBeGreaterThanOrEqual(0);
      expect(person.box.x + person.box.width).toBeLessThanOrEqual(1280);
    }
  });

  it('finds nothing with score ≥ 0.5 in blank frames', async () => {
    for (const value of [0, 128, 255]) {
      expect(await detectObjects(objects, blank(640, 360, value), { defaultScore: 0.5 })).toEqual([]);
    }
  });
});

describe('faces (blazeface + faceres)', () => {
  it('finds the face in a face sample', async () => {
    const picture = await decodeImageFile(await samplePicture('screenshot-faceid.jpg'));
    const found = await detectFaces(faces, picture, 0.5);
    expect(found).toHaveLength(1);
    expect(found[0]!.score).toBeGreaterThan(0.8);
    expect(found[0]!.landmarks).toHaveLength(6);
  });

  it('matches the same face cropped twice and not a different person', async () => {
    const one = await decodeImageFile(await samplePicture('screenshot-faceid.jpg'));
    const [face] = await detectFaces(faces, one, 0.5);
    const box = face!.box;
    const first = await faceDescriptor(descriptor, one, box);
    const second = await faceDescriptor(descriptor, one, {
      x: box.x + box.width * 0.06,
      y: box.y - box.height * 0.05,
      width: box.width * 0.95,
      height: box.height * 0.95,
    });
    expect(similarity(first, second)).toBeGreaterThan(SAME_PERSON);

    const group = await decodeImageFile(await samplePicture('screenshot-facedetect.jpg'));
    const others = await detectFaces(faces, group, 0.5);
    expect(others.length).toBeGreaterThanOrEqual(4);
    // The group photo's people other than the first sample's.
    const scores = await Promise.all(
      others
        .slice(1)
        .map(async (other) => similarity(first, await faceDescriptor(descriptor, group, other.box))),
    );
    for (const score of scores) expect(score).toBeLessThan(SAME_PERSON);
  });
});

describe('npm run detect', () => {
  it('prints the detections of a picture file as JSON', async () => {
    const picture = await samplePicture('samples.jpg');
    const { stdout } = await promisify(execFile)(process.execPath, [
      'dist/inference/detect/cli.js',
      picture,
      '--models',
      dir,
    ]);
    const report = JSON.parse(stdout) as {
      model: string;
      ms: number;
      width: number;
      detections: {
        label: string;
        score: number;
        box: { x: number; y: number; width: number; height: number };
      }[];
    };
    expect(report.model).toBe('centernet');
    expect(report.width).toBe(1280);
    expect(report.ms).toBeGreaterThan(0);
    expect(report.detections[0]).toMatchObject({ label: 'person' });
    expect(report.detections[0]!.score).toBeGreaterThanOrEqual(0.5);
  });

  it('says what is wrong with an unreadable picture', async () => {
    const run = promisify(execFile)(process.execPath, [
      'dist/inference/detect/cli.js',
      '/etc/hostname',
      '--models',
      dir,
    ]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/detect: IMAGE_UNREADABLE: /),
    });
  });
});

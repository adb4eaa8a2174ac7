import { copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../inference/convert/build-models.js';
import { convertGraph, SUPPORTED_OPS } from '../../inference/convert/convert.js';
import { ConvertError } from '../../inference/convert/errors.js';
import { readTfjsGraph } from '../../inference/convert/tfjs-graph.js';
import { decodeImageFile } from '../../inference/image/decode.js';
import { toModelInput } from '../../inference/image/rgb.js';
import { SHIPPED_MODELS } from '../../inference/models/catalogue.js';
import type { ModelManifest } from '../../inference/models/manifest.js';
import { loadShippedModel, runSingle, type LoadedModel } from '../../inference/models/session.js';
import {
  detectionRowsError,
  freshModels,
  samplePicture,
  seeded,
  sourceGraph,
  worstError,
} from './fixtures.js';
import { loadTfjsModel, runTfjs, useBackend } from './tfjs-reference.js';

let dir: string;
let manifests: ModelManifest[];

beforeAll(async () => {
  ({ dir, manifests } = await freshModels());
  await useBackend('wasm');
});

/** The sample picture each model is checked on: people for the detectors, a face for the descriptor. */
const PICTURE: Record<string, string> = {
  centernet: 'samples.jpg',
  blazeface: 'samples.jpg',
  faceres: 'screenshot-faceid.jpg',
};

async function inputs(manifest: ModelManifest): Promise<{ name: string; data: Float32Array }[]> {
  const { size, scale, offset } = manifest.input;
  const picture = await decodeImageFile(await samplePicture(PICTURE[manifest.id]!));
  const photo = toModelInput(picture, { x: 0, y: 0, width: picture.width, height: picture.height }, size, {
    scale,
    offset,
  });
  const random = seeded(7);
  const noise = Float32Array.from(
    { length: size * size * 3 },
    () => Math.floor(random() * 256) * scale + offset,
  );
  return [
    { name: PICTURE[manifest.id]!, data: photo.tensor },
    { name: 'random pixels', data: noise },
  ];
}

describe.each(SHIPPED_MODELS.map((m) => m.id))('%s converted to ONNX', (id) => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadShippedModel(dir, id, { threads: 1 });
  });

  it('gives every output TensorFlow.js gives, within 1e-3, on a sample photo and on random pixels', async () => {
    const manifest = model.manifest;
    const reference = await loadTfjsModel(await sourceGraph(SHIPPED_MODELS.find((m) => m.id === id)!.source));
    const size = manifest.input.size;
    const names = manifest.outputs.map((o) => o.name);
    for (const input of await inputs(manifest)) {
      const shape = [1, size, size, 3];
      const ours = await runSingle(model, input.data, shape);
      const theirs = await runTfjs(reference, { data: input.data, shape }, names);
      for (const name of names) {
        expect(ours[name]!.dims, `${name} on ${input.name}`).toEqual(theirs[name]!.shape);
        const error =
          name === 'tower_0/detections'
            ? detectionRowsError(ours[name]!.data as Float32Array, theirs[name]!.data)
            : worstError(ours[name]!.data as Float32Array, theirs[name]!.data);
        expect(error, `${name} on ${input.name}: worst error / allowed`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('has a manifest that names its source, digests and interface', async () => {
    const manifest = manifests.find((m) => m.id === id)!;
    const bytes = await readFile(join(dir, manifest.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256);
    expect(manifest.source.package).toBe('@vladmandic/human');
    expect(manifest.source.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.values(manifest.source.files).every((digest) => /^[0-9a-f]{64}$/.test(digest))).toBe(true);
    expect(manifest.inputs[0]!.shape.slice(1)).toEqual([manifest.input.size, manifest.input.size, 3]);
    expect(manifest.outputs.length).toBeGreaterThan(0);
    if (id === 'centernet') expect(manifest.labels).toHaveLength(80);
    // Only the edges are transposed: the input, and each output or reshape the graph ends its images with.
    expect(manifest.onnx.layoutTransposes).toBeLessThanOrEqual(5);
    expect(manifest.onnx.ops).toContain('Conv');
  });
});

describe('the converter', () => {
  it('covers exactly the op types the shipped graphs use', async () => {
    const used = new Set<string>();
    for (const model of SHIPPED_MODELS) {
      for (const node of (await readTfjsGraph(await sourceGraph(model.source))).nodes) used.add(node.op);
    }
    expect([...used].sort()).toEqual(SUPPORTED_OPS);
  });

  it('refuses an unknown op by name', async () => {
    const graph = await readTfjsGraph(await sourceGraph('models/blazeface.json'));
    const victim = graph.nodes.find((node) => node.op === 'Relu')!;
    victim.op = 'Erf';
    const attempt = () => convertGraph(graph, 'test');
    expect(attempt).toThrow(ConvertError);
    expect(attempt).toThrow(new RegExp(`unsupported TensorFlow op: Erf \\(${victim.name}\\)`));
  });

  it('refuses a truncated weights file with a clear error', async () => {
    const work = await mkdtemp(join(tmpdir(), 'vigil-truncated-'));
    const source = await sourceGraph('models/blazeface.json');
    await copyFile(source, join(work, 'blazeface.json'));
    const weights = await readFile(source.replace(/\.json$/, '.bin'));
    await writeFile(join(work, 'blazeface.bin'), weights.subarray(0, weights.length - 1000));
    const error = await readTfjsGraph(join(work, 'blazeface.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvertError);
    expect((error as ConvertError).code).toBe('WEIGHTS_TRUNCATED');
    expect((error as ConvertError).message).toMatch(/the weights end at byte \d+ but \S+ needs bytes/);
  });

  it('redoes a model only when its source package version changes', async () => {
    const model = SHIPPED_MODELS.find((m) => m.id === 'blazeface')!;
    const onnxPath = join(dir, 'blazeface.onnx');
    const before = (await stat(onnxPath)).mtimeMs;
    expect((await buildModel(model, dir)).converted).toBe(false);
    expect((await stat(onnxPath)).mtimeMs).toBe(before);
    const manifestPath = join(dir, 'blazeface.manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest;
    await writeFile(
      manifestPath,
      JSON.stringify({ ...manifest, source: { ...manifest.source, version: '0.0.1' } }),
    );
    expect((await buildModel(model, dir)).converted).toBe(true);
  });
});

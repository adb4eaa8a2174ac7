import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { externalDataModel, ssdModel, wrongShapeModel, yoloModel } from '../../tests/support/onnx-models.js';
import { UserModelError, validateUserModel, type ValidateOptions } from './user-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-user-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const saved = (bytes: Uint8Array) => {
  const file = path.join(dir, `m${++count}.onnx`);
  writeFileSync(file, bytes);
  return file;
};

async function refusal(bytes: Uint8Array, options: ValidateOptions): Promise<UserModelError> {
  const failure: unknown = await validateUserModel(saved(bytes), options).then(
    () => new Error('accepted'),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(UserModelError);
  return failure as UserModelError;
}

describe('user ONNX detector validation', () => {
  it('accepts a YOLO-shaped model and reports what it runs it with', async () => {
    const validated = await validateUserModel(saved(yoloModel([16, 16, 8, 8], [0.9, 0.1])), {
      labels: ['person', 'car'],
    });
    expect(validated.spec).toMatchObject({
      kind: 'yolo',
      labels: ['person', 'car'],
      input: { name: 'images', layout: 'nchw', size: 32, scale: 1 / 255, offset: 0 },
      outputs: { boxes: 'output0', scores: null, classes: null },
    });
    expect(validated.input).toEqual({ name: 'images', shape: [1, 3, 32, 32] });
    expect(validated.outputs).toEqual([{ name: 'output0', shape: [1, 6, 64] }]);
  });

  it('feeds a symbolic NHWC input at 640 px', async () => {
    const validated = await validateUserModel(
      saved(yoloModel([1, 1, 1, 1], [0.5], { nhwc: true, symbolic: true })),
      { labels: ['person'], pixels: 'byte' },
    );
    expect(validated.spec.input).toMatchObject({ layout: 'nhwc', size: 640, scale: 1, offset: 0 });
    expect(validated.outputs).toEqual([{ name: 'output0', shape: [1, 5, 160 * 160] }]);
  });

  it('accepts an SSD-shaped model', async () => {
    const validated = await validateUserModel(saved(ssdModel([0.1, 0.1, 0.5, 0.5], [0.1, 0.8, 0.1])), {
      labels: ['background', 'person', 'dog'],
    });
    expect(validated.spec).toMatchObject({
      kind: 'ssd',
      outputs: { boxes: 'boxes', scores: 'scores', classes: null },
    });
    expect(validated.outputs).toEqual([
      { name: 'boxes', shape: [1, 64, 4] },
      { name: 'scores', shape: [1, 64, 3] },
    ]);
  });

  it('refuses bytes that are not ONNX', async () => {
    const failure = await refusal(Buffer.from('GIF89a, certainly not a model \u0000\u00ff'.repeat(20)), {
      labels: ['person'],
    });
    expect(failure.code).toBe('MODEL_INVALID');
    expect(failure.message).toMatch(/expected an ONNX model/);
  });

  it('refuses wrong output shapes, saying what it expected and found', async () => {
    const failure = await refusal(wrongShapeModel(), { labels: ['person'] });
    expect(failure.code).toBe('MODEL_SHAPE_MISMATCH');
    expect(failure.message).toMatch(/expected a YOLO output \[1, 4 \+ C, N\] \(with 1 labels: \[1, 5, N\]\)/);
    expect(failure.message).toMatch(/found head_conv \[1, 5, 8, 8\] \(float32\)/);
  });

  it('refuses a label list that does not match the classes', async () => {
    const failure = await refusal(yoloModel([1, 1, 1, 1], [0.1, 0.2, 0.3]), { labels: ['person'] });
    expect(failure.code).toBe('MODEL_LABELS_MISMATCH');
    expect(failure.message).toMatch(/expected 1 labels.*3 class scores/);
    const ssd = await refusal(ssdModel([0, 0, 1, 1], [0.1, 0.2]), { labels: ['a', 'b', 'c'] });
    expect(ssd.code).toBe('MODEL_LABELS_MISMATCH');
  });

  it('refuses weights stored outside the file before onnxruntime could read them', async () => {
    const failure = await refusal(externalDataModel(), { labels: ['person'] });
    expect(failure.code).toBe('MODEL_INVALID');
    expect(failure.message).toMatch(/external file/);
  });

  it('stops a check that runs past its deadline', async () => {
    const failure = await refusal(yoloModel([1, 1, 1, 1], [0.5]), { labels: ['person'], timeoutMs: 1 });
    expect(failure.code).toBe('MODEL_TIMEOUT');
  });
});

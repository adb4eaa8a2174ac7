import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../server/config.js';
import { externalDataModel, ssdModel, wrongShapeModel, yoloModel } from '../support/onnx-models.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface DetectorBody {
  id: string;
  name: string;
  builtIn: boolean;
  kind: string;
  labels: string[];
  input: { name: string; shape: number[] };
  outputs: { name: string; shape: number[] }[];
}
interface ListBody {
  active: string;
  running: string | null;
  problem: { code: string; message: string } | null;
  detectors: DetectorBody[];
}

const LABELS = 'person\ncar\n';

function upload(t: TestApp, cookie: string, body: Buffer, query: Record<string, string>) {
  return t.inject({
    method: 'POST',
    url: `/api/detectors?${new URLSearchParams(query).toString()}`,
    headers: { cookie, 'content-type': 'application/octet-stream' },
    payload: body,
  });
}

/** What the detectors folder holds besides the kept uploads: nothing may be left of a refused one. */
const leftovers = (t: TestApp) => readdirSync(path.join(t.dataDir, 'detectors', '.incoming'));

describe('detector uploads: validation', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(() => t.close());

  const refused = async (body: Buffer, labels = LABELS) => {
    const response = await upload(t, admin, body, { name: 'Bad', labels });
    expect(leftovers(t)).toEqual([]);
    return { status: response.statusCode, body: response.json<{ code: string; message: string }>() };
  };

  it('refuses garbage bytes with 400 MODEL_INVALID', async () => {
    const answer = await refused(Buffer.from('\u0089PNG this is a picture, not a model'.repeat(50)));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('MODEL_INVALID');
    expect(answer.body.message).toMatch(/expected an ONNX model/);
  });

  it('refuses a valid ONNX with wrong output shapes, saying what it expected and found', async () => {
    const answer = await refused(wrongShapeModel());
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('MODEL_SHAPE_MISMATCH');
    expect(answer.body.message).toMatch(
      /expected a YOLO output \[1, 4 \+ C, N\] \(with 2 labels: \[1, 6, N\]\)/,
    );
    expect(answer.body.message).toMatch(/found head_conv \[1, 5, 8, 8\]/);
  });

  it('refuses a label list that does not match the model', async () => {
    const answer = await refused(yoloModel([1, 1, 1, 1], [0.1, 0.2, 0.3]));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('MODEL_LABELS_MISMATCH');
    expect(answer.body.message).toMatch(/3 class scores/);
  });

  it('refuses weights in an external file', async () => {
    const answer = await refused(externalDataModel(), 'person');
    expect(answer).toMatchObject({ status: 400, body: { code: 'MODEL_INVALID' } });
  });

  it('refuses a body that is not the file, or too large, or bad labels', async () => {
    const json = await t.inject({
      method: 'POST',
      url: '/api/detectors?name=x&labels=person',
      headers: { cookie: admin },
      payload: { model: 'nope' },
    });
    expect(json.statusCode).toBe(415);
    const huge = await t.inject({
      method: 'POST',
      url: '/api/detectors?name=x&labels=person',
      headers: { cookie: admin, 'content-type': 'application/octet-stream', 'content-length': String(300e6) },
      payload: Buffer.alloc(10),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ code: 'MODEL_TOO_LARGE' });
    const twice = await refused(yoloModel([1, 1, 1, 1], [0.5, 0.5]), 'person\nperson');
    expect(twice).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('keeps a valid YOLO model, lists it with its shapes, and deletes it', async () => {
    const created = await upload(t, admin, yoloModel([16, 16, 8, 8], [0.9, 0.1]), {
      name: 'Tiny YOLO',
      labels: JSON.stringify(['person', 'car']),
    });
    expect(created.statusCode).toBe(201);
    const detector = created.json<DetectorBody>();
    expect(detector).toMatchObject({
      name: 'Tiny YOLO',
      builtIn: false,
      kind: 'yolo',
      labels: ['person', 'car'],
      input: { name: 'images', shape: [1, 3, 32, 32] },
      outputs: [{ name: 'output0', shape: [1, 6, 64] }],
    });
    const ssd = await upload(t, admin, ssdModel([0, 0, 1, 1], [0.2, 0.7]), {
      name: 'SSD',
      labels: 'bg\ndog',
    });
    expect(ssd.statusCode).toBe(201);
    expect(ssd.json()).toMatchObject({ kind: 'ssd', outputs: [{ name: 'boxes' }, { name: 'scores' }] });

    const list = (
      await t.inject({ method: 'GET', url: '/api/detectors', headers: { cookie: admin } })
    ).json<ListBody>();
    expect(list.active).toBe('centernet');
    expect(list.detectors.map((d) => d.id)).toEqual(['centernet', detector.id, ssd.json<DetectorBody>().id]);
    expect(list.detectors[0]).toMatchObject({ builtIn: true, kind: 'centernet' });
    expect(existsSync(path.join(t.dataDir, 'detectors', detector.id, 'model.onnx'))).toBe(true);

    const activate = (id: string) =>
      t.inject({ method: 'PUT', url: '/api/detectors/active', headers: { cookie: admin }, payload: { id } });
    expect((await activate('nothere')).statusCode).toBe(404);
    expect((await activate(detector.id)).json()).toMatchObject({ active: detector.id, running: null });
    const remove = (id: string) =>
      t.inject({ method: 'DELETE', url: `/api/detectors/${id}`, headers: { cookie: admin } });
    expect((await remove(detector.id)).json()).toMatchObject({ code: 'DETECTOR_ACTIVE' });
    expect((await remove('centernet')).json()).toMatchObject({ code: 'BUILT_IN' });
    await activate('centernet');
    expect((await remove(detector.id)).statusCode).toBe(204);
    expect((await remove(detector.id)).statusCode).toBe(404);
    expect(existsSync(path.join(t.dataDir, 'detectors', detector.id))).toBe(false);
  });

  it('is for admins only', async () => {
    const editor = (await t.userWithSession('editor')).cookie;
    expect(
      (await upload(t, editor, yoloModel([1, 1, 1, 1], [0.5]), { name: 'x', labels: 'a' })).statusCode,
    ).toBe(403);
  });
});

describe('detector choice: the running inference worker swaps without restarting', () => {
  let t: TestApp;
  let admin: string;
  const supervisor = () => {
    const detection = t.app.vigil.services.detection;
    if (!detection) throw new Error('the inference worker is not running');
    return detection;
  };
  const list = async () =>
    (await t.inject({ method: 'GET', url: '/api/detectors', headers: { cookie: admin } })).json<ListBody>();
  const activate = (id: string) =>
    t.inject({ method: 'PUT', url: '/api/detectors/active', headers: { cookie: admin }, payload: { id } });

  beforeAll(async () => {
    const worker = path.join(appRoot(), 'dist', 'inference', 'worker.js');
    if (!existsSync(worker))
      throw new Error(`${worker} is missing: build first (npx tsc -p tsconfig.build.json)`);
    t = await startTestApp({}, { inference: true });
    admin = (await t.userWithSession('admin')).cookie;
  }, 30_000);
  afterAll(() => t.close());

  it('switches to an upload, survives hostile uploads, and keeps the old detector when one fails to load', async () => {
    await expect
      .poll(() => supervisor().state().detector, { timeout: 20_000, interval: 100 })
      .toBe('centernet');
    const pid = supervisor().state().pid;
    expect(pid).not.toBeNull();
    const created = await upload(t, admin, yoloModel([16, 16, 8, 8], [0.9, 0.1]), {
      name: 'Mine',
      labels: LABELS,
    });
    expect(created.statusCode).toBe(201);
    const mine = created.json<DetectorBody>().id;

    expect((await activate(mine)).statusCode).toBe(200);
    await expect.poll(async () => (await list()).running, { timeout: 10_000, interval: 100 }).toBe(mine);

    for (const hostile of [Buffer.from('not a model at all'), wrongShapeModel()]) {
      expect((await upload(t, admin, hostile, { name: 'Bad', labels: LABELS })).statusCode).toBe(400);
    }
    // A model file that changed on disk after validation: the worker refuses it and keeps running `mine`.
    const broken = await upload(t, admin, yoloModel([4, 4, 2, 2], [0.5, 0.5]), {
      name: 'Later',
      labels: LABELS,
    });
    const brokenId = broken.json<DetectorBody>().id;
    writeFileSync(path.join(t.dataDir, 'detectors', brokenId, 'model.onnx'), wrongShapeModel());
    expect((await activate(brokenId)).json()).toMatchObject({ active: brokenId });
    await expect
      .poll(async () => (await list()).problem?.code, { timeout: 10_000, interval: 100 })
      .toBe('MODEL_CORRUPT');
    expect(await list()).toMatchObject({ active: brokenId, running: mine });

    expect((await activate('centernet')).statusCode).toBe(200);
    await expect
      .poll(async () => (await list()).running, { timeout: 10_000, interval: 100 })
      .toBe('centernet');
    expect((await list()).problem).toBeNull();

    // The same process all along, still reporting.
    const state = supervisor().state();
    expect(state).toMatchObject({ pid, status: 'ready', restarts: 0 });
    const statsAt = state.lastStatsAt ?? 0;
    await expect
      .poll(() => supervisor().state().lastStatsAt ?? 0, { timeout: 6_000, interval: 200 })
      .toBeGreaterThan(statsAt);
  }, 60_000);
});

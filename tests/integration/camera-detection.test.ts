import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CameraDetection,
  DetectionSettings,
} from '../../server/detection/detection-settings.schemas.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const square = (x: number, y: number, size: number) => [
  { x, y },
  { x: x + size, y },
  { x: x + size, y: y + size },
  { x, y: y + size },
];

const custom = (): DetectionSettings => ({
  mode: 'objects',
  labels: ['person', 'dog'],
  minScore: { person: 0.6 },
  defaultScore: 0.45,
  motion: { sensitivity: 55, minArea: 0.001, masks: [square(0.8, 0, 0.2)] },
  zones: [
    { name: 'Driveway', polygon: square(0, 0.5, 0.5) },
    { name: 'Porch', polygon: [...square(0.5, 0.5, 0.3), { x: 0.6, y: 0.9 }] },
  ],
  faces: false,
  frames: { fps: 4, idleFps: 1, maxWidth: 480 },
});

describe('camera detection settings API (stored; no media processes in this tier)', () => {
  let t: TestApp;
  let admin: string;
  let cameraId: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    const created = await t.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: { cookie: admin },
      payload: { name: 'Yard', kind: 'test' },
    });
    cameraId = created.json<{ id: number }>().id;
  });
  afterAll(() => t.close());

  const put = (payload: unknown, cookie = admin, id = cameraId) =>
    t.inject({
      method: 'PUT',
      url: `/api/cameras/${id}/detection`,
      headers: { cookie },
      payload: payload as object,
    });
  const get = (cookie = admin, id = cameraId) =>
    t.inject({ method: 'GET', url: `/api/cameras/${id}/detection`, headers: { cookie } });
  const storedRow = () =>
    t.app.vigil.database.db
      .selectFrom('cameras')
      .select(['detect', 'detection_settings', 'updated_at'])
      .where('id', '=', cameraId)
      .executeTakeFirstOrThrow();

  it('starts on the defaults, off, with every label the detector knows', async () => {
    const response = await get();
    expect(response.statusCode).toBe(200);
    const body = response.json<CameraDetection>();
    expect(body).toMatchObject({ cameraId, detect: false, custom: false });
    expect(body.settings).toEqual(body.defaults);
    expect(body.settings).toMatchObject({
      mode: 'objects',
      frames: { fps: 5, idleFps: 2, maxWidth: 640 },
      motion: { sensitivity: 70 },
    });
    expect(body.knownLabels).toHaveLength(80);
    expect(body.knownLabels).toEqual(expect.arrayContaining(['person', 'car', 'teddy bear']));
    expect((await storedRow()).detection_settings).toBeNull();
  });

  it('stores settings and reads them back as sent (zone names trimmed), with detect on', async () => {
    const sent = custom();
    sent.zones[0]!.name = '  Driveway  ';
    const saved = await put({ detect: true, settings: sent });
    expect(saved.statusCode).toBe(200);
    const expected = { ...custom() };
    expect(saved.json()).toMatchObject({ cameraId, detect: true, custom: true, settings: expected });
    expect((await get()).json<CameraDetection>().settings).toEqual(expected);
    const row = await storedRow();
    expect(row.detect).toBe(1);
    expect(JSON.parse(row.detection_settings ?? 'null')).toEqual(expected);
    // The camera list shows detection on too (one column, one truth).
    const camera = await t.inject({
      method: 'GET',
      url: `/api/cameras/${cameraId}`,
      headers: { cookie: admin },
    });
    expect(camera.json()).toMatchObject({ detect: true });
    const audit = await t.inject({ method: 'GET', url: '/api/audit?limit=5', headers: { cookie: admin } });
    expect(audit.body).toContain('camera.detection');
  });

  it('goes back to the defaults when settings are left out', async () => {
    const reset = await put({ detect: false });
    expect(reset.statusCode).toBe(200);
    const body = reset.json<CameraDetection>();
    expect(body).toMatchObject({ detect: false, custom: false });
    expect(body.settings).toEqual(body.defaults);
    expect((await storedRow()).detection_settings).toBeNull();
  });

  it('refuses each kind of bad input with its code, and changes nothing', async () => {
    const saved = await put({ detect: true, settings: custom() });
    expect(saved.statusCode).toBe(200);
    const before = await storedRow();
    const cases: [string, (s: DetectionSettings) => unknown, string, RegExp][] = [
      ['unknown label', (s) => ({ ...s, labels: ['person', 'unicorn'] }), 'UNKNOWN_LABEL', /unicorn/],
      [
        'unknown label in thresholds',
        (s) => ({ ...s, minScore: { giraffe_: 0.5 } }),
        'UNKNOWN_LABEL',
        /giraffe_/,
      ],
      [
        'threshold for an untracked label',
        (s) => ({ ...s, minScore: { car: 0.5 } }),
        'SCORE_FOR_UNTRACKED_LABEL',
        /car/,
      ],
      ['no labels in objects mode', (s) => ({ ...s, labels: [], minScore: {} }), 'NO_LABELS', /label/],
      ['duplicate labels', (s) => ({ ...s, labels: ['dog', 'dog'] }), 'VALIDATION_FAILED', /labels/],
      ['score below 0.1', (s) => ({ ...s, defaultScore: 0.05 }), 'VALIDATION_FAILED', /defaultScore/],
      ['score above 0.99', (s) => ({ ...s, minScore: { person: 1 } }), 'VALIDATION_FAILED', /minScore/],
      [
        'sensitivity above 100',
        (s) => ({ ...s, motion: { ...s.motion, sensitivity: 101 } }),
        'VALIDATION_FAILED',
        /sensitivity/,
      ],
      [
        'sensitivity 0',
        (s) => ({ ...s, motion: { ...s.motion, sensitivity: 0 } }),
        'VALIDATION_FAILED',
        /sensitivity/,
      ],
      ['unknown mode', (s) => ({ ...s, mode: 'faces' }), 'VALIDATION_FAILED', /mode.*objects\|motion/],
      [
        'a point outside the picture',
        (s) => ({ ...s, motion: { ...s.motion, masks: [[...square(0, 0, 0.5), { x: 1.2, y: 0.3 }]] } }),
        'VALIDATION_FAILED',
        /masks/,
      ],
      [
        'a polygon of two points',
        (s) => ({ ...s, zones: [{ name: 'Line', polygon: square(0, 0, 0.5).slice(0, 2) }] }),
        'VALIDATION_FAILED',
        /polygon/,
      ],
      [
        'a polygon of 33 points',
        (s) => ({
          ...s,
          zones: [
            {
              name: 'Many',
              polygon: Array.from({ length: 33 }, (_, i) => ({
                x: 0.5 + 0.4 * Math.cos((i / 33) * 2 * Math.PI),
                y: 0.5 + 0.4 * Math.sin((i / 33) * 2 * Math.PI),
              })),
            },
          ],
        }),
        'VALIDATION_FAILED',
        /polygon/,
      ],
      [
        'a polygon with no area',
        (s) => ({
          ...s,
          zones: [
            {
              name: 'Flat',
              polygon: [
                { x: 0.1, y: 0.1 },
                { x: 0.5, y: 0.5 },
                { x: 0.9, y: 0.9 },
              ],
            },
          ],
        }),
        'INVALID_POLYGON',
        /Flat/,
      ],
      [
        'two zones of one name',
        (s) => ({ ...s, zones: [s.zones[0], { ...s.zones[1], name: 'driveway ' }] }),
        'DUPLICATE_ZONE_NAME',
        /driveway/i,
      ],
      [
        'a blank zone name',
        (s) => ({ ...s, zones: [{ ...s.zones[0], name: '   ' }] }),
        'INVALID_ZONE_NAME',
        /Zone 1/,
      ],
      [
        'a zone name with a line break',
        (s) => ({ ...s, zones: [{ ...s.zones[0], name: 'Drive\nway' }] }),
        'INVALID_ZONE_NAME',
        /Zone 1/,
      ],
      [
        'a zone name of 41 characters',
        (s) => ({ ...s, zones: [{ ...s.zones[0], name: 'x'.repeat(41) }] }),
        'VALIDATION_FAILED',
        /name/,
      ],
      [
        'analysis fps above 10',
        (s) => ({ ...s, frames: { ...s.frames, fps: 11 } }),
        'VALIDATION_FAILED',
        /fps/,
      ],
      [
        'idle fps above fps',
        (s) => ({ ...s, frames: { ...s.frames, fps: 3, idleFps: 4 } }),
        'IDLE_FPS_ABOVE_FPS',
        /idle/i,
      ],
      [
        'analysis width below 160',
        (s) => ({ ...s, frames: { ...s.frames, maxWidth: 120 } }),
        'VALIDATION_FAILED',
        /maxWidth/,
      ],
      [
        'analysis width not a multiple of 4',
        (s) => ({ ...s, frames: { ...s.frames, maxWidth: 642 } }),
        'VALIDATION_FAILED',
        /maxWidth/,
      ],
      [
        'analysis width above 1280',
        (s) => ({ ...s, frames: { ...s.frames, maxWidth: 1920 } }),
        'VALIDATION_FAILED',
        /maxWidth/,
      ],
      ['a missing field', ({ faces: _faces, ...s }) => s, 'VALIDATION_FAILED', /faces/],
    ];
    for (const [what, change, code, message] of cases) {
      const response = await put({ detect: false, settings: change(custom()) });
      expect(response.statusCode, what).toBe(400);
      const body = response.json<{ code: string; message: string }>();
      expect(body.code, what).toBe(code);
      expect(body.message, what).toMatch(message);
    }
    expect(await storedRow()).toEqual(before);
  });

  it('answers 404 for a camera that does not exist', async () => {
    expect((await get(admin, 424242)).statusCode).toBe(404);
    const response = await put({ detect: true, settings: custom() }, admin, 424242);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is for admins only: viewers and editors get 403 and change nothing', async () => {
    const before = await storedRow();
    for (const role of ['viewer', 'editor'] as const) {
      const cookie = (await t.userWithSession(role)).cookie;
      for (const response of [await get(cookie), await put({ detect: false }, cookie)]) {
        expect(response.statusCode, role).toBe(403);
        expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    expect(await storedRow()).toEqual(before);
  });
});

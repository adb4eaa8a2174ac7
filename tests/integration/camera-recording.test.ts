import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_RECORDING,
  RECORDING_MODES,
  type RecordingSettings,
} from '../../server/recordings/recording-settings.js';
import type { CameraRecording } from '../../server/recordings/recordings.schemas.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const custom = (): RecordingSettings => ({
  mode: 'continuous',
  preRollSeconds: 5,
  postRollSeconds: 30,
  segmentSeconds: 2,
  retainDays: 14,
  quotaGiB: 50,
});

describe('camera recording settings API (stored; no media processes in this tier)', () => {
  let t: TestApp;
  let admin: string;
  let editor: string;
  let viewer: string;
  let cameraId: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    editor = (await t.userWithSession('editor')).cookie;
    viewer = (await t.userWithSession('viewer')).cookie;
    const created = await t.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: { cookie: admin },
      payload: { name: 'Porch', kind: 'test' },
    });
    cameraId = created.json<{ id: number }>().id;
  });
  afterAll(() => t.close());

  const put = (payload: unknown, cookie = admin, id = cameraId) =>
    t.inject({
      method: 'PUT',
      url: `/api/cameras/${id}/recording`,
      headers: { cookie },
      payload: payload as object,
    });
  const get = (cookie = viewer, id = cameraId) =>
    t.inject({ method: 'GET', url: `/api/cameras/${id}/recording`, headers: { cookie } });
  const storedRow = () =>
    t.app.vigil.database.db
      .selectFrom('cameras')
      .select(['recording_settings', 'updated_at'])
      .where('id', '=', cameraId)
      .executeTakeFirstOrThrow();

  it('shows a new camera on the defaults (record around events) to any signed-in user', async () => {
    const response = await get(viewer);
    expect(response.statusCode).toBe(200);
    expect(response.json<CameraRecording>()).toEqual({
      settings: DEFAULT_RECORDING,
      defaults: DEFAULT_RECORDING,
      modes: [...RECORDING_MODES],
    });
    expect(DEFAULT_RECORDING.mode).toBe('events');
    expect((await storedRow()).recording_settings).toBeNull();
  });

  it('stores what an admin sets, reads it back, and writes an audit row', async () => {
    const saved = await put(custom());
    expect(saved.statusCode).toBe(200);
    expect(saved.json<CameraRecording>()).toMatchObject({ settings: custom(), defaults: DEFAULT_RECORDING });
    for (const cookie of [viewer, editor, admin])
      expect((await get(cookie)).json<CameraRecording>().settings).toEqual(custom());
    expect(JSON.parse((await storedRow()).recording_settings ?? 'null')).toEqual(custom());

    const audit = await t.inject({ method: 'GET', url: '/api/audit?limit=5', headers: { cookie: admin } });
    const entry = audit
      .json<{ entries: { action: string; detail: string | null }[] }>()
      .entries.find((e) => e.action === 'camera.recording');
    expect(entry?.detail).toBe(
      'Porch: continuous, 5 s before, 30 s after, 2 s segments, kept 14 days, at most 50 GiB',
    );
  });

  it('reads the retention it was not given as the defaults: kept 30 days, no quota of its own', async () => {
    const { retainDays: _days, quotaGiB: _quota, ...without } = custom();
    expect((await put(without)).statusCode).toBe(200);
    expect((await get()).json<CameraRecording>().settings).toEqual({
      ...without,
      retainDays: 30,
      quotaGiB: null,
    });
    expect((await put(custom())).statusCode).toBe(200);
  });

  it('refuses editors and viewers (403) and leaves the settings as they were', async () => {
    const before = await storedRow();
    for (const cookie of [editor, viewer]) {
      const response = await put({ ...custom(), mode: 'off' }, cookie);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await storedRow()).toEqual(before);
  });

  it('refuses bad values with VALIDATION_FAILED naming the field, and changes nothing', async () => {
    const before = await storedRow();
    const cases: [string, unknown, RegExp][] = [
      ['an unknown mode', { ...custom(), mode: 'always' }, /mode/],
      ['a pre-roll over 60 s', { ...custom(), preRollSeconds: 61 }, /preRollSeconds/],
      ['a negative post-roll', { ...custom(), postRollSeconds: -1 }, /postRollSeconds/],
      ['a post-roll over 300 s', { ...custom(), postRollSeconds: 301 }, /postRollSeconds/],
      ['segments of 1 s', { ...custom(), segmentSeconds: 1 }, /segmentSeconds/],
      ['segments of 7 s', { ...custom(), segmentSeconds: 7 }, /segmentSeconds/],
      ['kept 0 days', { ...custom(), retainDays: 0 }, /retainDays/],
      ['a negative quota', { ...custom(), quotaGiB: -1 }, /quotaGiB/],
      ['a fractional pre-roll', { ...custom(), preRollSeconds: 2.5 }, /preRollSeconds/],
      ['a missing field', { mode: 'events', preRollSeconds: 10, postRollSeconds: 10 }, /segmentSeconds/],
      ['null', null, /body/],
    ];
    for (const [what, body, field] of cases) {
      const response = await put(body);
      expect(response.statusCode, what).toBe(400);
      const error = response.json<{ code: string; message: string }>();
      expect(error.code, what).toBe('VALIDATION_FAILED');
      expect(error.message, what).toMatch(field);
      expect(error, what).not.toHaveProperty('stack');
    }
    expect(await storedRow()).toEqual(before);
  });

  it('answers 404 NOT_FOUND for a camera that does not exist', async () => {
    for (const response of [await get(viewer, 999_999), await put(custom(), admin, 999_999)]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ code: 'NOT_FOUND', message: 'Camera not found.' });
    }
  });

  it('answers 401 without a session', async () => {
    const anonymous = [
      await t.inject({ method: 'GET', url: `/api/cameras/${cameraId}/recording` }),
      await t.inject({ method: 'PUT', url: `/api/cameras/${cameraId}/recording`, payload: custom() }),
    ];
    for (const response of anonymous) expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

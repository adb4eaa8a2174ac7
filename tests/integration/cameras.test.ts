import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('cameras API (stored and listed; no media processes in this tier)', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    viewer = (await t.userWithSession('viewer')).cookie;
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, cookie = admin) =>
    t.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

  it('starts with no cameras', async () => {
    expect((await call('GET', '/api/cameras', undefined, viewer)).json()).toEqual([]);
  });

  it('adds an RTSP camera, keeps its credentials and never shows them', async () => {
    const created = await call('POST', '/api/cameras', {
      name: 'Front door',
      kind: 'rtsp',
      url: 'rtsp://admin:s3cret-pass@192.168.1.20:554/stream1',
      transport: 'udp',
    });
    expect(created.statusCode).toBe(201);
    const camera = created.json<{ id: number }>();
    expect(created.json()).toMatchObject({
      name: 'Front door',
      kind: 'rtsp',
      url: 'rtsp://192.168.1.20:554/stream1',
      hasCredentials: true,
      enabled: true,
      options: { transport: 'udp', latencyMs: 200 },
      status: 'offline',
      restarts: 0,
      keyframeIntervalS: null,
    });
    const views = [
      created.json<object>(),
      ...(await call('GET', '/api/cameras', undefined, viewer)).json<object[]>(),
      (await call('GET', `/api/cameras/${camera.id}`)).json<object>(),
    ];
    for (const view of views) expect(Object.keys(view)).not.toEqual(expect.arrayContaining(['username']));
    for (const view of views) expect(Object.keys(view)).not.toEqual(expect.arrayContaining(['password']));
    const everything = [JSON.stringify(views), (await call('GET', '/api/audit?limit=50')).body].join('\n');
    expect(everything).not.toContain('s3cret-pass');
    const row = await t.app.vigil.database.db
      .selectFrom('cameras')
      .selectAll()
      .where('id', '=', camera.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      username: 'admin',
      password: 's3cret-pass',
      url: 'rtsp://192.168.1.20:554/stream1',
    });
  });

  it('refuses other schemes, device paths and files outside the media folder with a code', async () => {
    for (const body of [
      { name: 'x', kind: 'rtsp', url: 'http://192.168.1.20/' },
      { name: 'x', kind: 'rtsp', url: 'file:///etc/shadow' },
      { name: 'x', kind: 'v4l2', device: '/dev/sda' },
      { name: 'x', kind: 'file', path: '../../etc/passwd' },
    ]) {
      const response = await call('POST', '/api/cameras', body);
      expect(response.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json<{ code: string }>().code).toMatch(/INVALID_SOURCE|NOT_FOUND/);
    }
    const count = (await call('GET', '/api/cameras')).json<unknown[]>().length;
    expect(count).toBe(1);
  });

  it('updates, clears credentials, disables and deletes', async () => {
    const { id } = (
      await call('POST', '/api/cameras', { name: 'Yard', kind: 'rtsp', url: 'rtsp://u:p@cam.local/x' })
    ).json<{
      id: number;
    }>();
    const renamed = await call('PATCH', `/api/cameras/${id}`, {
      name: 'Back yard',
      username: null,
      password: null,
    });
    expect(renamed.json()).toMatchObject({ name: 'Back yard', hasCredentials: false });
    const off = await call('PATCH', `/api/cameras/${id}`, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, status: 'disabled' });
    expect((await call('PATCH', `/api/cameras/${id}`, { url: 'ftp://cam.local/x' })).statusCode).toBe(400);
    expect((await call('DELETE', `/api/cameras/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/cameras/${id}`)).statusCode).toBe(404);
  });

  it('sets and clears the resolution and rate hints (null clears, absent keeps)', async () => {
    const { id } = (
      await call('POST', '/api/cameras', {
        name: 'Hinted',
        kind: 'rtsp',
        url: 'rtsp://cam.local/x',
        width: 1920,
        height: 1080,
        fps: 15,
      })
    ).json<{ id: number }>();
    const renamed = await call('PATCH', `/api/cameras/${id}`, { name: 'Still hinted' });
    expect(renamed.json()).toMatchObject({ options: { width: 1920, height: 1080, fps: 15 } });
    const cleared = await call('PATCH', `/api/cameras/${id}`, { width: null, height: null, fps: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ options: { width: null, height: null, fps: null } });
    expect((await call('GET', `/api/cameras/${id}`)).json()).toMatchObject({
      options: { width: null, height: null, fps: null },
    });
    const row = await t.app.vigil.database.db
      .selectFrom('cameras')
      .select(['width', 'height', 'fps'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ width: null, height: null, fps: null });
    expect((await call('PATCH', `/api/cameras/${id}`, { fps: 0 })).statusCode).toBe(400);
    expect((await call('DELETE', `/api/cameras/${id}`)).statusCode).toBe(204);
  });

  it('probes a saved camera only for admins, 404 for an unknown one, 503 without the media service', async () => {
    const { id } = (await call('GET', '/api/cameras')).json<{ id: number }[]>()[0]!;
    expect((await call('POST', `/api/cameras/${id}/probe`, undefined, viewer)).statusCode).toBe(403);
    expect((await call('POST', '/api/cameras/424242/probe')).json()).toMatchObject({ code: 'NOT_FOUND' });
    const noMedia = await call('POST', `/api/cameras/${id}/probe`);
    expect(noMedia.statusCode).toBe(503);
    expect(noMedia.json()).toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
  });

  it('adds a test camera with 720p30 defaults', async () => {
    const response = await call('POST', '/api/cameras', { name: 'Test pattern', kind: 'test' });
    expect(response.json()).toMatchObject({ kind: 'test', options: { width: 1280, height: 720, fps: 30 } });
  });

  it('lets viewers read but not write cameras', async () => {
    expect((await call('GET', '/api/cameras', undefined, viewer)).statusCode).toBe(200);
    expect((await call('POST', '/api/cameras', { name: 'x', kind: 'test' }, viewer)).statusCode).toBe(403);
    expect((await call('POST', '/api/cameras/probe', { kind: 'test' }, viewer)).statusCode).toBe(403);
  });

  it('answers snapshot requests with 503 NO_FRAME until a picture exists, 404 for unknown cameras', async () => {
    const { id } = (await call('GET', '/api/cameras')).json<{ id: number }[]>()[0]!;
    expect((await call('GET', `/api/cameras/${id}/snapshot.jpg`, undefined, viewer)).json()).toMatchObject({
      code: 'NO_FRAME',
    });
    expect((await call('GET', '/api/cameras/424242/snapshot.jpg', undefined, viewer)).statusCode).toBe(404);
  });
});

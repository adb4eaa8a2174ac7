import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceToServer, TrackReport } from '../../inference/protocol.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A small JPEG (grey, 64 × 36) as the worker sends snapshots. */
const picture = () => {
  const data = Buffer.alloc(64 * 36 * 4, 128);
  return new Uint8Array(jpeg.encode({ data, width: 64, height: 36 }, 80).data);
};

const box = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };
const track = (
  trackId: number,
  label: string,
  startedAt: number,
  extra: Partial<TrackReport> = {},
): TrackReport => ({
  trackId,
  label,
  startedAt,
  endedAt: null,
  topScore: 0.8,
  box,
  path: [{ at: startedAt, box }],
  zones: [],
  stationary: false,
  faces: [],
  ...extra,
});

// Events through the real app: messages as the inference worker sends them, the development vault, real vault.db.
describe('events', () => {
  let t: TestApp;
  let viewer: string;
  let editor: string;
  let admin: string;
  const handle = (message: InferenceToServer) => t.app.vigil.services.events.handle(message);
  const get = (url: string, cookie = viewer) => t.inject({ method: 'GET', url, headers: { cookie } });
  interface Page {
    events: { startedAt: number }[];
    nextCursor: string | null;
  }
  const page = async (url: string) => (await get(url)).json<Page>();
  const starts = async (url: string) => (await page(url)).events.map((e) => e.startedAt);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  beforeAll(async () => {
    t = await startTestApp();
    viewer = (await t.userWithSession('viewer')).cookie;
    editor = (await t.userWithSession('editor')).cookie;
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(() => t.close());

  it('stores a track as one event with its snapshot, updates it and ends it', async () => {
    const startedAt = Date.now() - 5_000;
    handle({
      type: 'track',
      phase: 'start',
      cameraId: 1,
      track: track(1, 'person', startedAt),
      snapshot: { jpeg: picture(), width: 64, height: 36, box, at: startedAt },
    });
    handle({
      type: 'track',
      phase: 'update',
      cameraId: 1,
      track: track(1, 'person', startedAt, { topScore: 0.93, zones: ['porch'] }),
      snapshot: null,
    });
    handle({
      type: 'track',
      phase: 'end',
      cameraId: 1,
      track: track(1, 'person', startedAt, { topScore: 0.93, zones: ['porch'], endedAt: startedAt + 4_000 }),
      snapshot: null,
    });
    await settle();

    const list = await get('/api/events');
    expect(list.statusCode).toBe(200);
    const [event] = list.json().events;
    expect(event).toMatchObject({
      cameraId: 1,
      label: 'person',
      topScore: 0.93,
      zones: ['porch'],
      endedAt: startedAt + 4_000,
      hasSnapshot: true,
      snapshotBox: box,
    });

    const snapshot = await get(`/api/events/${event.id}/snapshot.jpg`);
    expect(snapshot.statusCode).toBe(200);
    expect(snapshot.headers['content-type']).toBe('image/jpeg');
    const drawn = await get(`/api/events/${event.id}/snapshot.jpg?box=1`);
    expect(drawn.rawPayload.equals(snapshot.rawPayload)).toBe(false);
    const pixel = jpeg.decode(drawn.rawPayload, { formatAsRGBA: true });
    // The box's top edge at (0.5, 0.25) is painted; the untouched middle stays grey.
    const at = (x: number, y: number) => pixel.data[(y * 64 + x) * 4]!;
    expect(at(32, 9)).toBeGreaterThan(200);
    expect(Math.abs(at(32, 18) - 128)).toBeLessThan(20);

    // The snapshot lives on the vault, under snapshots/<camera>/<day>/, and nowhere else.
    const vaultRoot = t.app.vigil.services.vault.mountPoint;
    const day = new Date(startedAt).toISOString().slice(0, 10);
    expect(readdirSync(path.join(vaultRoot, 'snapshots', '1', day))).toEqual([`${event.id}.jpg`]);
  });

  it('filters by camera, label and zone, and pages newest first with a cursor', async () => {
    const base = Date.now() - 60_000;
    for (let k = 0; k < 5; k++) {
      const label = k % 2 ? 'car' : 'dog';
      handle({
        type: 'track',
        phase: 'start',
        cameraId: 2,
        track: track(100 + k, label, base + k * 1000, { zones: k === 4 ? ['drive'] : [] }),
        snapshot: null,
      });
    }
    const page1 = await page('/api/events?camera=2&limit=2');
    expect(page1.events.map((e) => e.startedAt)).toEqual([base + 4000, base + 3000]);
    const page2 = await page(`/api/events?camera=2&limit=2&cursor=${String(page1.nextCursor)}`);
    expect(page2.events.map((e) => e.startedAt)).toEqual([base + 2000, base + 1000]);
    const page3 = await page(`/api/events?camera=2&limit=2&cursor=${String(page2.nextCursor)}`);
    expect(page3.events).toHaveLength(1);
    expect(page3.nextCursor).toBeNull();
    expect((await get('/api/events?camera=2&label=car')).json().events).toHaveLength(2);
    expect(await starts('/api/events?zone=drive')).toEqual([base + 4000]);
    expect((await get(`/api/events?camera=2&from=${base + 3000}`)).json().events).toHaveLength(2);
    expect((await get('/api/events?cursor=nonsense')).statusCode).toBe(400);
  });

  it('counts events per hour and label', async () => {
    const stats = (await get('/api/events/stats?bucket=hour&hours=24')).json<{
      bucketMs: number;
      buckets: { count: number }[];
      stored: boolean;
    }>();
    expect(stats.bucketMs).toBe(3_600_000);
    const total = stats.buckets.reduce((n, b) => n + b.count, 0);
    expect(total).toBeGreaterThanOrEqual(6);
    expect(stats.stored).toBe(true);
    // The Events page's label filter offers exactly the labels stored events carry.
    const stored = (await get('/api/events?limit=200')).json<{ events: { label: string }[] }>().events;
    const labels = [...new Set(stored.map((e) => e.label))].sort();
    expect(labels).toContain('person');
    expect((await get('/api/events/stats')).json<{ labels: string[] }>().labels).toEqual(labels);
  });

  it('lets editors protect and delete (the snapshot goes with the row), not viewers', async () => {
    const startedAt = Date.now() - 2_000;
    handle({
      type: 'track',
      phase: 'start',
      cameraId: 3,
      track: track(200, 'cat', startedAt),
      snapshot: { jpeg: picture(), width: 64, height: 36, box, at: startedAt },
    });
    await settle();
    const [event] = (await get('/api/events?camera=3')).json().events;
    const protect = await t.inject({
      method: 'POST',
      url: `/api/events/${event.id}/protect`,
      headers: { cookie: editor },
      payload: { protected: true },
    });
    expect(protect.json()).toMatchObject({ protected: true });
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/events/${event.id}`, headers: { cookie: viewer } }))
        .statusCode,
    ).toBe(403);
    const file = path.join(
      t.app.vigil.services.vault.mountPoint,
      'snapshots',
      '3',
      new Date(startedAt).toISOString().slice(0, 10),
      `${event.id}.jpg`,
    );
    expect(existsSync(file)).toBe(true);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/events/${event.id}`, headers: { cookie: editor } }))
        .statusCode,
    ).toBe(204);
    expect(existsSync(file)).toBe(false);
    expect((await get(`/api/events/${event.id}`)).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores nothing while the vault is locked, counts what went by, and says so', async () => {
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json().state).toBe('locked');
    const startedAt = Date.now();
    handle({
      type: 'track',
      phase: 'start',
      cameraId: 4,
      track: track(300, 'person', startedAt),
      snapshot: { jpeg: picture(), width: 64, height: 36, box, at: startedAt },
    });
    handle({
      type: 'track',
      phase: 'end',
      cameraId: 4,
      track: track(300, 'person', startedAt, { endedAt: startedAt + 1000 }),
      snapshot: null,
    });
    await settle();
    const locked = await get('/api/events');
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'VAULT_LOCKED' });
    expect(t.app.vigil.services.events.state()).toEqual({ stored: false, unstoredWhileLocked: 1 });
    // The chart's route answers while locked, so the Events page can say events go by unstored.
    const stats = await get('/api/events/stats');
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({ stored: false, unstoredWhileLocked: 1, buckets: [] });

    const unlock = await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'anything' },
    });
    expect(unlock.json().state).toBe('unlocked');
    expect((await get('/api/events?camera=4')).json().events).toEqual([]);
    expect(existsSync(path.join(t.app.vigil.services.vault.mountPoint, 'snapshots', '4'))).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TrackReport } from '../../inference/protocol.js';
import { recordingsStoreOf } from '../../server/recordings/recordings.store.js';
import { makeTsSegment } from '../support/clips.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY = 86_400_000;
const KIB = 1024;
const box = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };

/** One app's helpers: segments as real files with their rows, cameras, a protected event. */
function harness(t: () => TestApp, admin: () => string) {
  const mount = () => t().app.vigil.services.vault.mountPoint;
  const vaultDb = (): Sqlite.Database => {
    const db = t().app.vigil.services.vault.database();
    if (!db) throw new Error('the vault is locked');
    return db;
  };
  let written = 0;
  return {
    mount,
    vaultDb,
    call: (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t().inject({ method, url, headers: { cookie: admin() }, ...(payload ? { payload } : {}) }),
    /** A segment file of `bytes` under recordings/<camera>/<day>/ and its row: returns the relative path. */
    segment(cameraId: number, startedAt: number, bytes = 4 * KIB, eventIds: number[] = []): string {
      const day = new Date(startedAt).toISOString().slice(0, 10);
      const relative = `recordings/${cameraId}/${day}/${startedAt}-s1-${++written}.ts`;
      mkdirSync(path.dirname(path.join(mount(), relative)), { recursive: true });
      writeFileSync(path.join(mount(), relative), Buffer.alloc(bytes, written));
      recordingsStoreOf(vaultDb()).insert({
        cameraId,
        startedAt,
        endedAt: startedAt + 4_000,
        bytes,
        keyframes: 1,
        path: relative,
        eventIds,
      });
      return relative;
    },
    kept: (): string[] =>
      (vaultDb().prepare('SELECT path FROM recordings ORDER BY started_at').all() as { path: string }[]).map(
        (r) => r.path,
      ),
    onDisk: (relative: string) => existsSync(path.join(mount(), relative)),
  };
}

async function addCamera(t: TestApp, cookie: string, name: string, retention: object = {}): Promise<number> {
  const created = await t.inject({
    method: 'POST',
    url: '/api/cameras',
    headers: { cookie },
    payload: { name, kind: 'test' },
  });
  const id = created.json<{ id: number }>().id;
  const put = await t.inject({
    method: 'PUT',
    url: `/api/cameras/${id}/recording`,
    headers: { cookie },
    payload: { mode: 'events', preRollSeconds: 10, postRollSeconds: 10, segmentSeconds: 4, ...retention },
  });
  expect(put.statusCode, put.body).toBe(200);
  return id;
}

/** An event on `cameraId`, stored and protected through the API; returns its id. */
async function protectedEvent(
  t: TestApp,
  cookie: string,
  cameraId: number,
  startedAt: number,
): Promise<number> {
  const track: TrackReport = {
    trackId: startedAt % 100_000,
    label: 'person',
    startedAt,
    endedAt: startedAt + 3_000,
    topScore: 0.9,
    box,
    path: [{ at: startedAt, box }],
    zones: [],
    stationary: false,
    faces: [],
  };
  t.app.vigil.services.events.handle({ type: 'track', phase: 'start', cameraId, track, snapshot: null });
  const listed = await t.inject({
    method: 'GET',
    url: `/api/events?camera=${cameraId}`,
    headers: { cookie },
  });
  const id = listed.json<{ events: { id: number }[] }>().events[0]?.id;
  if (id === undefined) throw new Error('the event was not stored');
  const protect = await t.inject({
    method: 'POST',
    url: `/api/events/${id}/protect`,
    headers: { cookie },
    payload: { protected: true },
  });
  expect(protect.statusCode, protect.body).toBe(200);
  return id;
}

// Retention and the reconcile pass through the real app: real files on the development vault, real vault.db.
describe('recordings retention', () => {
  let t: TestApp;
  let admin: string;
  const h = harness(
    () => t,
    () => admin,
  );

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(() => t.close());

  it('by age: what is older than the camera’s days goes, file and row together; a protected event’s stays', async () => {
    const now = Date.now();
    const yard = await addCamera(t, admin, 'Yard', { retainDays: 2 });
    const street = await addCamera(t, admin, 'Street', { retainDays: 7 });
    const eventId = await protectedEvent(t, admin, yard, now - 5 * DAY);
    const old = h.segment(yard, now - 3 * DAY);
    const shown = h.segment(yard, now - 5 * DAY, 4 * KIB, [eventId]);
    const recent = h.segment(yard, now - DAY);
    const otherCamera = h.segment(street, now - 3 * DAY);

    const result = await t.app.vigil.services.retention.run();
    expect(result).toMatchObject({ deleted: 1, freedBytes: 4 * KIB });
    expect(h.kept()).toEqual([shown, otherCamera, recent]);
    expect(h.onDisk(old)).toBe(false);
    for (const relative of [shown, recent, otherCamera]) expect(h.onDisk(relative)).toBe(true);
  });

  it('by the camera’s quota: its oldest go until the rest fits, other cameras untouched', async () => {
    const now = Date.now();
    // 0.001 GiB is 1,073,742 bytes: three of the five 400 KiB segments fit in it.
    const gate = await addCamera(t, admin, 'Gate', { quotaGiB: 0.001 });
    const drive = await addCamera(t, admin, 'Drive');
    const gates = [5, 4, 3, 2, 1].map((hours) => h.segment(gate, now - hours * 3_600_000, 400 * KIB));
    const drives = [5, 4].map((hours) => h.segment(drive, now - hours * 3_600_000, 400 * KIB));

    const result = await t.app.vigil.services.retention.run();
    expect(result).toMatchObject({ deleted: 3, freedBytes: 3 * 400 * KIB });
    const kept = h.kept();
    expect(kept.filter((p) => gates.includes(p))).toEqual(gates.slice(3));
    expect(kept.filter((p) => drives.includes(p))).toEqual(drives);
    for (const gone of gates.slice(0, 3)) expect(h.onDisk(gone)).toBe(false);
  });

  it('reconciles at unlock: a row without its file goes, a whole unindexed segment is indexed, a partial goes, a FIFO is passed over', async () => {
    const cameraId = await addCamera(t, admin, 'Porch');
    const startedAt = Date.now() - 60_000;
    const orphan = h.segment(cameraId, startedAt - 8_000);
    rmSync(path.join(h.mount(), orphan));
    const day = new Date(startedAt).toISOString().slice(0, 10);
    const dir = path.join(h.mount(), 'recordings', String(cameraId), day);
    const lost = `recordings/${cameraId}/${day}/${startedAt}-0a1b2c-7.ts`;
    await makeTsSegment(path.join(h.mount(), lost), 2);
    writeFileSync(path.join(dir, `${startedAt + 2_000}-0a1b2c-8.ts.partial`), 'cut off');
    // A FIFO named like a segment: reading it would block the unlock for ever; it is passed over.
    execFileSync('mkfifo', [path.join(dir, `${startedAt + 4_000}-0a1b2c-9.ts`)]);

    expect((await h.call('POST', '/api/vault/lock', {})).json()).toMatchObject({ state: 'locked' });
    expect((await h.call('POST', '/api/vault/unlock', { passphrase: 'x' })).json()).toMatchObject({
      state: 'unlocked',
    });
    await t.app.vigil.services.retention.run('after unlock');

    const rows = h.vaultDb().prepare('SELECT * FROM recordings WHERE camera_id = ?').all(cameraId) as {
      path: string;
      started_at: number;
      ended_at: number;
      keyframes: number;
    }[];
    expect(rows.map((r) => r.path)).toEqual([lost]);
    const [row] = rows;
    expect(row?.started_at).toBe(startedAt);
    // 30 pictures at 15 fps: two seconds, measured from the segment's own presentation times.
    expect((row?.ended_at ?? 0) - startedAt).toBeGreaterThanOrEqual(1_950);
    expect((row?.ended_at ?? 0) - startedAt).toBeLessThanOrEqual(2_050);
    expect(row?.keyframes).toBe(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('recordings retention: the whole vault', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-retention-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps all cameras together under VIGIL_RECORDINGS_QUOTA, oldest first, protected events kept', async () => {
    const t = await startTestApp({ VIGIL_RECORDINGS_QUOTA: '1MiB' });
    try {
      const admin = (await t.userWithSession('admin')).cookie;
      const h = harness(
        () => t,
        () => admin,
      );
      const now = Date.now();
      const a = await addCamera(t, admin, 'A');
      const b = await addCamera(t, admin, 'B');
      const eventId = await protectedEvent(t, admin, a, now - 10 * 3_600_000);
      const shown = h.segment(a, now - 10 * 3_600_000, 300 * KIB, [eventId]);
      const rest = [9, 8, 7, 6, 5].map((hours, i) =>
        h.segment(i % 2 ? a : b, now - hours * 3_600_000, 300 * KIB),
      );

      const result = await t.app.vigil.services.retention.run();
      // 6 × 300 KiB = 1800 KiB; 1024 KiB may stay: the three oldest unprotected go, the protected one stays.
      expect(result).toMatchObject({ deleted: 3 });
      expect(h.kept()).toEqual([shown, ...rest.slice(3)]);
    } finally {
      await t.close();
    }
  });

  it('below the free-space floor: deletes the oldest, refuses what does not fit and alerts every open tab', async () => {
    // 99 % free can never hold on the machine's own disk: the floor is always crossed.
    const t = await startTestApp({ VIGIL_RECORDINGS_MIN_FREE: '99%' });
    try {
      const admin = (await t.userWithSession('admin')).cookie;
      const h = harness(
        () => t,
        () => admin,
      );
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no address');
      const socket = new WebSocket(`ws://127.0.0.1:${address.port}/api/ws`, {
        headers: { cookie: admin, origin: `http://127.0.0.1:${address.port}` },
      });
      const alerts: unknown[] = [];
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string; topic?: string; data?: unknown };
        if (message.topic === 'recordings.alert') alerts.push(message.data);
      });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

      const cameraId = await addCamera(t, admin, 'Door');
      const old = [3, 2, 1].map((hours) => h.segment(cameraId, Date.now() - hours * 3_600_000));
      expect(await t.app.vigil.services.retention.makeRoom(4 * KIB)).toBe(false);
      expect(h.kept()).toEqual([]);
      for (const relative of old) expect(h.onDisk(relative)).toBe(false);
      const deadline = Date.now() + 2_000;
      while (alerts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(alerts[0]).toMatchObject({ alert: { kind: 'low-space' } });
      const { alert } = alerts[0] as { alert: { freeBytes: number; floorBytes: number } };
      expect(alert.freeBytes).toBeLessThan(alert.floorBytes);
      expect(t.app.vigil.services.retention.alert()).toMatchObject({ kind: 'low-space' });
      socket.close();
    } finally {
      await t.close();
    }
  });
});

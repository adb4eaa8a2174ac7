import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailPath } from '../../server/recordings/recording-thumbnails.js';
import { thumbnailsStoreOf } from '../../server/recordings/recording-thumbnails.store.js';
import { recordingsStoreOf } from '../../server/recordings/recordings.store.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY = 86_400_000;

/** A real 32 × 18 JPEG, a different grey for each `shade`. */
const picture = (shade: number): Buffer =>
  Buffer.from(jpeg.encode({ data: Buffer.alloc(32 * 18 * 4, shade), width: 32, height: 18 }, 80).data);

// The thumbnails API, retention and the reconcile pass through the real app, on the development vault and its
// real vault.db. Rows go in through the maker's own store; files are real JPEGs under <vault>/recordings/.
describe('recording thumbnails', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;
  let yard: number;
  let street: number;
  const base = Date.UTC(2026, 11, 10, 12, 0, 0);

  const get = (url: string, cookie = viewer) => t.inject({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, payload: object) =>
    t.inject({ method: 'POST', url, headers: { cookie: admin }, payload });
  const mount = () => t.app.vigil.services.vault.mountPoint;
  const vaultDb = (): Sqlite.Database => {
    const db = t.app.vigil.services.vault.database();
    if (!db) throw new Error('the vault is locked');
    return db;
  };
  const list = (camera: number, from: number, to: number, cookie = viewer) =>
    get(`/api/recordings/thumbnails?camera=${camera}&from=${from}&to=${to}`, cookie);
  const idsOf = (cameraId: number) =>
    (
      vaultDb()
        .prepare('SELECT id, at, path FROM recording_thumbnails WHERE camera_id = ? ORDER BY at')
        .all(cameraId) as { id: number; at: number; path: string }[]
    ).map(({ at, path }) => ({ at, path }));

  /** A thumbnail's file where the maker puts it, and its row (unless `stored` names some other path). */
  const thumbnail = (cameraId: number, at: number, options: { stored?: string; file?: boolean } = {}) => {
    const relative = options.stored ?? thumbnailPath(cameraId, at);
    const bytes = picture(at % 250);
    if (options.file !== false) {
      mkdirSync(path.dirname(path.join(mount(), relative)), { recursive: true });
      writeFileSync(path.join(mount(), relative), bytes);
    }
    thumbnailsStoreOf(vaultDb()).insert({ cameraId, at, path: relative, bytes: bytes.length });
    const row = vaultDb().prepare('SELECT id FROM recording_thumbnails WHERE path = ?').get(relative) as {
      id: number;
    };
    return { id: row.id, relative, bytes };
  };

  let written = 0;
  /** A segment row and a stand-in file (retention reads neither its contents nor its length). */
  const segment = (cameraId: number, startedAt: number): string => {
    const day = new Date(startedAt).toISOString().slice(0, 10);
    const relative = `recordings/${cameraId}/${day}/${startedAt}-s1-${++written}.ts`;
    mkdirSync(path.dirname(path.join(mount(), relative)), { recursive: true });
    writeFileSync(path.join(mount(), relative), 'segment');
    recordingsStoreOf(vaultDb()).insert({
      cameraId,
      startedAt,
      endedAt: startedAt + 4_000,
      bytes: 7,
      keyframes: 1,
      path: relative,
      eventIds: [],
    });
    return relative;
  };

  const camera = async (name: string, recording: object = {}) => {
    const id = (await post('/api/cameras', { name, kind: 'test' })).json<{ id: number }>().id;
    const put = await t.inject({
      method: 'PUT',
      url: `/api/cameras/${id}/recording`,
      headers: { cookie: admin },
      payload: { mode: 'events', preRollSeconds: 4, postRollSeconds: 4, segmentSeconds: 4, ...recording },
    });
    expect(put.statusCode, put.body).toBe(200);
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    viewer = (await t.userWithSession('viewer')).cookie;
    yard = await camera('Yard');
    street = await camera('Street');
  });
  afterAll(() => t.close());

  it('lists a camera’s thumbnails in [from, to), oldest first, ids and times only', async () => {
    const first = thumbnail(yard, base);
    const second = thumbnail(yard, base + 150_000);
    thumbnail(yard, base + 300_000);
    thumbnail(street, base + 10_000);

    const response = await list(yard, base, base + 300_000);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      thumbnails: [
        { id: first.id, at: base },
        { id: second.id, at: base + 150_000 },
      ],
    });
    expect((await list(street, base, base + DAY)).json<{ thumbnails: unknown[] }>().thumbnails).toHaveLength(
      1,
    );
    expect((await list(yard, base - DAY, base)).json()).toEqual({ thumbnails: [] });
  });

  it('serves one as image/jpeg, never cached, to any signed-in role and to nobody else', async () => {
    const { id, bytes } = thumbnail(yard, base + 450_000);
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      const cookie = (await t.userWithSession(role)).cookie;
      const response = await get(`/api/recordings/thumbnails/${id}`, cookie);
      expect(response.statusCode, role).toBe(200);
      expect(response.headers['content-type']).toBe('image/jpeg');
      // The API's policy for every picture (api-headers.ts): not in the browser's unencrypted disk cache.
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.rawPayload.equals(bytes)).toBe(true);
      expect((await list(yard, base, base + DAY, cookie)).statusCode).toBe(200);
    }
    const anonymous = await t.inject({ method: 'GET', url: `/api/recordings/thumbnails/${id}` });
    expect(anonymous.statusCode).toBe(401);
    const anonymousList = await t.inject({
      method: 'GET',
      url: `/api/recordings/thumbnails?camera=${yard}&from=${base}&to=${base + DAY}`,
    });
    expect(anonymousList.statusCode).toBe(401);
  });

  it('answers 404 for an unknown thumbnail or camera, 400 for a bad span', async () => {
    expect((await get('/api/recordings/thumbnails/999999')).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await get('/api/recordings/thumbnails/0')).statusCode).toBe(400);
    expect((await get('/api/recordings/thumbnails/abc')).statusCode).toBe(400);
    const unknownCamera = await list(999_999, base, base + DAY);
    expect(unknownCamera.statusCode).toBe(404);
    expect(unknownCamera.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await list(yard, base, base)).json()).toMatchObject({ code: 'BAD_RANGE' });
    expect((await list(yard, base, base + 8 * DAY)).json()).toMatchObject({ code: 'BAD_RANGE' });
    expect((await get(`/api/recordings/thumbnails?camera=${yard}`)).statusCode).toBe(400);
  });

  it('never serves a file a tampered row points at outside recordings/, through a symlink, or that is gone', async () => {
    const dataDir = path.dirname(mount());
    expect(existsSync(path.join(dataDir, 'vigil.db'))).toBe(true);
    const day = new Date(base).toISOString().slice(0, 10);
    const thumbs = path.join(mount(), 'recordings', String(street), day, 'thumbs');
    mkdirSync(thumbs, { recursive: true });
    symlinkSync(path.join(dataDir, 'vigil.db'), path.join(thumbs, 'link.jpg'));
    symlinkSync(dataDir, path.join(mount(), 'recordings', 'up2'));
    const tampered = [
      '../vigil.db',
      'recordings/../../vigil.db',
      `recordings/${street}/../../../vigil.db`,
      path.join(dataDir, 'vigil.db'),
      'vault.db',
      `recordings/${street}/${day}/thumbs/link.jpg`,
      'recordings/up2/vigil.db',
      `recordings/${street}/${day}/thumbs/gone.jpg`,
    ];
    for (const [k, stored] of tampered.entries()) {
      const { id } = thumbnail(street, base + 1_000_000 + k, { stored, file: false });
      const response = await get(`/api/recordings/thumbnails/${id}`);
      expect(response.statusCode, stored).toBe(404);
      expect(response.json(), stored).toMatchObject({ code: 'NOT_FOUND' });
      expect(response.headers['content-type'], stored).toMatch(/^application\/json/);
    }
    vaultDb()
      .prepare('DELETE FROM recording_thumbnails WHERE at >= ?')
      .run(base + 1_000_000);
    rmSync(path.join(thumbs, 'link.jpg'));
    rmSync(path.join(mount(), 'recordings', 'up2'));
  });

  it('answers 423 VAULT_LOCKED to both while the vault is locked', async () => {
    const { id } = thumbnail(yard, base + 600_000);
    expect((await post('/api/vault/lock', {})).json()).toMatchObject({ state: 'locked' });
    try {
      for (const response of [
        await list(yard, base, base + DAY),
        await get(`/api/recordings/thumbnails/${id}`),
      ]) {
        expect(response.statusCode).toBe(423);
        expect(response.json()).toMatchObject({ code: 'VAULT_LOCKED' });
      }
    } finally {
      expect((await post('/api/vault/unlock', { passphrase: 'x' })).json()).toMatchObject({
        state: 'unlocked',
      });
    }
  });

  it('retention deletes a camera’s thumbnails older than its oldest kept segment, file and row, and all of one without segments', async () => {
    const now = Date.now();
    const gate = await camera('Gate', { retainDays: 2 });
    const drive = await camera('Drive');
    // The pass the last unlock queued is over before the files go in: this test counts what its own does.
    await t.app.vigil.services.retention.run();
    const old = thumbnail(gate, now - 3 * DAY);
    const atOldestKept = thumbnail(gate, now - DAY);
    const recent = thumbnail(gate, now - DAY + 150_000);
    segment(gate, now - 3 * DAY); // older than the camera's 2 days: goes first, and its thumbnail with it
    segment(gate, now - DAY);
    segment(gate, now - DAY + 150_000);
    const orphaned = thumbnail(drive, now - DAY);

    const count = () =>
      (vaultDb().prepare('SELECT COUNT(*) AS n FROM recording_thumbnails').get() as { n: number }).n;
    const before = count();
    const result = await t.app.vigil.services.retention.run();
    // Yard's and Street's go too (they have no segments at all): counted, not listed here.
    expect(result).toMatchObject({ deleted: 1, thumbnailsDeleted: before - count() });
    expect(result?.thumbnailsDeleted).toBeGreaterThanOrEqual(2);
    expect(idsOf(gate).map((r) => r.path)).toEqual([atOldestKept.relative, recent.relative]);
    expect(idsOf(drive)).toEqual([]);
    for (const gone of [old, orphaned]) expect(existsSync(path.join(mount(), gone.relative))).toBe(false);
    for (const kept of [atOldestKept, recent])
      expect(existsSync(path.join(mount(), kept.relative))).toBe(true);
    expect((await get(`/api/recordings/thumbnails/${old.id}`)).statusCode).toBe(404);
  });

  it('reconciles at unlock: a row without its file goes, an unindexed one is indexed, a partial goes, and thumbs/ is no segment', async () => {
    const porch = await camera('Porch');
    const at = Date.now() - 60_000;
    segment(porch, at);
    const rowOnly = thumbnail(porch, at - 300_000);
    rmSync(path.join(mount(), rowOnly.relative));
    const lost = thumbnailPath(porch, at);
    mkdirSync(path.dirname(path.join(mount(), lost)), { recursive: true });
    const bytes = picture(9);
    writeFileSync(path.join(mount(), lost), bytes);
    const partial = `${path.join(mount(), thumbnailPath(porch, at + 150_000))}.0a1b.partial`;
    writeFileSync(partial, 'cut off');
    // Not thumbnails: left alone, never indexed.
    writeFileSync(path.join(path.dirname(partial), 'notes.txt'), 'x');
    const segmentsBefore = vaultDb().prepare('SELECT path FROM recordings WHERE camera_id = ?').all(porch);

    expect((await post('/api/vault/lock', {})).json()).toMatchObject({ state: 'locked' });
    expect((await post('/api/vault/unlock', { passphrase: 'x' })).json()).toMatchObject({
      state: 'unlocked',
    });
    await t.app.vigil.services.retention.run('after unlock');

    expect(idsOf(porch)).toEqual([{ at, path: lost }]);
    const row = vaultDb().prepare('SELECT bytes FROM recording_thumbnails WHERE path = ?').get(lost) as {
      bytes: number;
    };
    expect(row.bytes).toBe(bytes.length);
    expect(readdirSync(path.dirname(partial)).sort()).toEqual([`${at}.jpg`, 'notes.txt']);
    // The thumbs/ folder and what is in it never became segment rows.
    expect(vaultDb().prepare('SELECT path FROM recordings WHERE camera_id = ?').all(porch)).toEqual(
      segmentsBefore,
    );
    const listed = await list(porch, at - DAY, at + DAY);
    expect(listed.json<{ thumbnails: { at: number }[] }>().thumbnails.map((x) => x.at)).toEqual([at]);
  });
});

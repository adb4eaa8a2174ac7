import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackReport } from '../../inference/protocol.js';
import type { RecordingsIndex } from '../../server/recordings/recordings.schemas.js';
import { GAP_MS, recordingsStoreOf } from '../../server/recordings/recordings.store.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY = 24 * 3_600_000;
const box = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };

// The index and the segment files through the real app, on the development vault and its real vault.db. Rows go
// in through the recorder's own store; files are real bytes under <vault>/recordings/.
describe('recordings API', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;
  let yard: number;
  let street: number;
  const base = Date.UTC(2026, 11, 9, 12, 0, 0);

  const get = (url: string, cookie = viewer) => t.inject({ method: 'GET', url, headers: { cookie } });
  const vaultRoot = () => t.app.vigil.services.vault.mountPoint;
  const vaultDb = (): Sqlite.Database => {
    const db = t.app.vigil.services.vault.database();
    if (!db) throw new Error('the vault is locked');
    return db;
  };
  const index = (camera: number, from: number, to: number) =>
    get(`/api/recordings?camera=${camera}&from=${from}&to=${to}`);

  let written = 0;
  /** A segment's file under recordings/<camera>/<day>/ and its row; returns the row's id. */
  const segment = (
    cameraId: number,
    startedAt: number,
    endedAt: number,
    options: { bytes?: Buffer; eventIds?: number[]; path?: string } = {},
  ): number => {
    const bytes = options.bytes ?? Buffer.from(`segment ${++written}`);
    const day = new Date(startedAt).toISOString().slice(0, 10);
    const relative =
      options.path ?? `recordings/${cameraId}/${day}/s1-${String(++written).padStart(6, '0')}.ts`;
    if (options.path === undefined) {
      mkdirSync(path.dirname(path.join(vaultRoot(), relative)), { recursive: true });
      writeFileSync(path.join(vaultRoot(), relative), bytes);
    }
    return recordingsStoreOf(vaultDb()).insert({
      cameraId,
      startedAt,
      endedAt,
      bytes: bytes.length,
      keyframes: 1,
      path: relative,
      eventIds: options.eventIds ?? [],
    });
  };

  const camera = async (name: string) =>
    (
      await t.inject({
        method: 'POST',
        url: '/api/cameras',
        headers: { cookie: admin },
        payload: { name, kind: 'test' },
      })
    ).json<{ id: number }>().id;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    viewer = (await t.userWithSession('viewer')).cookie;
    yard = await camera('Yard');
    street = await camera('Street');
  });
  afterAll(() => t.close());

  it('lists a camera’s segments and merges ranges across gaps under GAP_MS, splitting at a longer one', async () => {
    const ids = [
      segment(yard, base, base + 4_000),
      segment(yard, base + 4_000 + GAP_MS - 1, base + 8_000),
      segment(yard, base + 8_000 + GAP_MS, base + 12_000),
      segment(yard, base + 12_000 + GAP_MS + 1, base + 16_000),
      segment(yard, base + 60_000, base + 64_000),
    ];
    segment(street, base + 2_000, base + 6_000);
    segment(yard, base - DAY, base - DAY + 4_000);

    const response = await index(yard, base, base + 3_600_000);
    expect(response.statusCode).toBe(200);
    const body = response.json<RecordingsIndex>();
    expect(body.segments.map((s) => s.id)).toEqual(ids);
    expect(body.segments[0]).toEqual({
      id: ids[0],
      startedAt: base,
      endedAt: base + 4_000,
      bytes: expect.any(Number),
      keyframes: 1,
    });
    const sizes = body.segments.map((s) => s.bytes);
    const sum = (from: number, to: number) => sizes.slice(from, to).reduce((a, b) => a + b, 0);
    expect(body.ranges).toEqual([
      { startedAt: base, endedAt: base + 12_000, segments: 3, bytes: sum(0, 3) },
      { startedAt: base + 12_000 + GAP_MS + 1, endedAt: base + 16_000, segments: 1, bytes: sum(3, 4) },
      { startedAt: base + 60_000, endedAt: base + 64_000, segments: 1, bytes: sum(4, 5) },
    ]);
    expect(body.truncated).toBe(false);
    // The other camera sees only its own segment; a span with nothing recorded is empty, not an error.
    expect((await index(street, base, base + 3_600_000)).json<RecordingsIndex>().segments).toHaveLength(1);
    expect((await index(yard, base + DAY, base + DAY + 1)).json()).toEqual({
      ranges: [],
      segments: [],
      truncated: false,
    });
  });

  it('refuses spans that are empty, backwards or over 7 days, and malformed queries', async () => {
    const cases: [string, string, string][] = [
      ['from = to', `camera=${yard}&from=${base}&to=${base}`, 'BAD_RANGE'],
      ['from after to', `camera=${yard}&from=${base + 1}&to=${base}`, 'BAD_RANGE'],
      ['over 7 days', `camera=${yard}&from=${base}&to=${base + 7 * DAY + 1}`, 'BAD_RANGE'],
      ['no camera', `from=${base}&to=${base + 1}`, 'VALIDATION_FAILED'],
      ['no span', `camera=${yard}`, 'VALIDATION_FAILED'],
      ['a date string', `camera=${yard}&from=2026-12-09&to=${base}`, 'VALIDATION_FAILED'],
      ['a negative time', `camera=${yard}&from=-5&to=${base}`, 'VALIDATION_FAILED'],
    ];
    for (const [what, query, code] of cases) {
      const response = await get(`/api/recordings?${query}`);
      expect(response.statusCode, what).toBe(400);
      expect(response.json(), what).toMatchObject({ code });
    }
    expect((await index(yard, base, base)).json()).toMatchObject({
      code: 'BAD_RANGE',
      message: expect.stringMatching(/before/),
    });
    expect((await index(yard, base, base + 7 * DAY + 1)).json().message).toMatch(/7 days/);
    expect((await index(yard, base, base + 7 * DAY)).statusCode).toBe(200);
    expect((await index(999_999, base, base + 1)).json()).toEqual({
      code: 'NOT_FOUND',
      message: 'Camera not found.',
    });
  });

  it('lists at most 20,000 segments and says when there were more', async () => {
    const busy = await camera('Busy');
    const start = base + 2 * DAY;
    const store = recordingsStoreOf(vaultDb());
    vaultDb().transaction(() => {
      for (let k = 0; k < 20_001; k++)
        store.insert({
          cameraId: busy,
          startedAt: start + k * 2_000,
          endedAt: start + (k + 1) * 2_000,
          bytes: 10,
          keyframes: 1,
          path: `recordings/${busy}/many/${k}.ts`,
          eventIds: [],
        });
    })();
    const body = (await index(busy, start, start + DAY)).json<RecordingsIndex>();
    expect(body.segments).toHaveLength(20_000);
    expect(body.segments.at(-1)?.startedAt).toBe(start + 19_999 * 2_000);
    expect(body.truncated).toBe(true);
    // The ranges still cover the whole span.
    expect(body.ranges).toEqual([
      { startedAt: start, endedAt: start + 20_001 * 2_000, segments: 20_001, bytes: 200_010 },
    ]);
  });

  it('serves a segment’s bytes as MPEG-TS with its length, cacheable by this browser only', async () => {
    // Over the pump's 1 MiB buffer, so the file goes out in several reads.
    const bytes = randomBytes(2_500_000 + 7);
    const id = segment(yard, base + 120_000, base + 124_000, { bytes });
    const response = await get(`/api/recordings/${id}/file`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('video/mp2t');
    expect(response.headers['content-length']).toBe(String(bytes.length));
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.rawPayload.equals(bytes)).toBe(true);

    const head = await t.inject({
      method: 'HEAD',
      url: `/api/recordings/${id}/file`,
      headers: { cookie: viewer },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.rawPayload).toHaveLength(0);

    expect((await get('/api/recordings/999999/file')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never serves a file a tampered row points at outside recordings/, or through a symlink', async () => {
    const dataDir = path.dirname(vaultRoot());
    expect(existsSync(path.join(vaultRoot(), '../vigil.db'))).toBe(true);
    writeFileSync(path.join(vaultRoot(), 'files', 'private.txt'), 'a user file');
    mkdirSync(path.join(vaultRoot(), 'recordings', String(yard), 'links'), { recursive: true });
    symlinkSync(
      path.join(dataDir, 'vigil.db'),
      path.join(vaultRoot(), 'recordings', String(yard), 'links', 'a.ts'),
    );
    symlinkSync(dataDir, path.join(vaultRoot(), 'recordings', 'up'));
    const at = base + 200_000;
    const tampered = [
      '../vigil.db',
      'recordings/../../vigil.db',
      `recordings/${yard}/../../../vigil.db`,
      path.join(dataDir, 'vigil.db'),
      'files/private.txt',
      'vault.db',
      `recordings/${yard}/links/a.ts`,
      'recordings/up/vigil.db',
      `recordings/${yard}/gone.ts`,
    ];
    for (const [k, stored] of tampered.entries()) {
      const id = segment(yard, at + k * 10_000, at + k * 10_000 + 4_000, { path: stored });
      const response = await get(`/api/recordings/${id}/file`);
      expect(response.statusCode, stored).toBe(404);
      expect(response.json(), stored).toMatchObject({ code: 'NOT_FOUND' });
      expect(response.body, stored).not.toContain('SQLite');
      expect(response.headers['content-type'], stored).toMatch(/^application\/json/);
    }
  });

  it('lists the segments linked to an event, and only those', async () => {
    const startedAt = base + 300_000;
    const report = (trackId: number): TrackReport => ({
      trackId,
      label: 'person',
      startedAt,
      endedAt: startedAt + 5_000,
      topScore: 0.9,
      box,
      path: [{ at: startedAt, box }],
      zones: [],
      stationary: false,
      faces: [],
    });
    for (const trackId of [1, 2])
      t.app.vigil.services.events.handle({
        type: 'track',
        phase: 'start',
        cameraId: street,
        track: report(trackId),
        snapshot: null,
      });
    const events = (await get(`/api/events?camera=${street}`)).json<{ events: { id: number }[] }>().events;
    const [second, first] = events.map((e) => e.id);
    if (first === undefined || second === undefined) throw new Error('the events were not stored');
    const before = segment(street, startedAt - 4_000, startedAt, { eventIds: [first] });
    const during = segment(street, startedAt, startedAt + 4_000, { eventIds: [first, second] });
    segment(street, startedAt + 4_000, startedAt + 8_000);

    const linked = async (eventId: number) =>
      (await get(`/api/events/${eventId}/recordings`))
        .json<{ segments: { id: number }[] }>()
        .segments.map((s) => s.id);
    expect(await linked(first)).toEqual([before, during]);
    expect(await linked(second)).toEqual([during]);
    const [item] = (await get(`/api/events/${second}/recordings`)).json<RecordingsIndex>().segments;
    expect(item).toEqual({
      id: during,
      startedAt,
      endedAt: startedAt + 4_000,
      bytes: expect.any(Number),
      keyframes: 1,
    });
    expect((await get('/api/events/999999/recordings')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 401 without a session on every recordings route', async () => {
    for (const url of [
      `/api/recordings?camera=${yard}&from=${base}&to=${base + 1000}`,
      '/api/recordings/1/file',
      '/api/events/1/recordings',
    ]) {
      const response = await t.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers 423 VAULT_LOCKED on every recordings route while the vault is locked', async () => {
    const id = segment(yard, base + 400_000, base + 404_000);
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json()).toMatchObject({ state: 'locked' });
    for (const url of [
      `/api/recordings?camera=${yard}&from=${base}&to=${base + 3_600_000}`,
      `/api/recordings/${id}/file`,
      '/api/events/1/recordings',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(423);
      expect(response.json(), url).toMatchObject({ code: 'VAULT_LOCKED' });
    }
    const unlock = await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'anything' },
    });
    expect(unlock.json()).toMatchObject({ state: 'unlocked' });
    expect((await get(`/api/recordings/${id}/file`)).statusCode).toBe(200);
  });
});

import type Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackReport } from '../../inference/protocol.js';
import { GAP_MS, recordingsStoreOf } from '../../server/recordings/recordings.store.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY = 24 * 3_600_000;
const box = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };

// The HLS playlists through the real app on the development vault's real vault.db; rows go in through the
// recorder's own store (the playlist routes never open the files, so none are written).
describe('recordings playlists', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;
  let yard: number;
  const base = Date.UTC(2026, 11, 9, 12, 0, 0);

  const get = (url: string, cookie = viewer) => t.inject({ method: 'GET', url, headers: { cookie } });
  const playlist = (camera: number, from: number, to: number) =>
    get(`/api/recordings/playlist.m3u8?camera=${camera}&from=${from}&to=${to}`);
  const vaultDb = (): Sqlite.Database => {
    const db = t.app.vigil.services.vault.database();
    if (!db) throw new Error('the vault is locked');
    return db;
  };
  const segment = (cameraId: number, startedAt: number, endedAt: number, eventIds: number[] = []) =>
    recordingsStoreOf(vaultDb()).insert({
      cameraId,
      startedAt,
      endedAt,
      bytes: 100,
      keyframes: 1,
      path: `recordings/${cameraId}/x/${startedAt}.ts`,
      eventIds,
    });
  const camera = async (name: string) =>
    (
      await t.inject({
        method: 'POST',
        url: '/api/cameras',
        headers: { cookie: admin },
        payload: { name, kind: 'test' },
      })
    ).json<{ id: number }>().id;
  /** An event stored the way the inference worker's `track` message stores one; returns its id. */
  const event = async (cameraId: number, startedAt: number): Promise<number> => {
    const track: TrackReport = {
      trackId: startedAt,
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
    const listed = (await get(`/api/events?camera=${cameraId}`)).json<{ events: { id: number }[] }>();
    const id = listed.events[0]?.id;
    if (id === undefined) throw new Error('the event was not stored');
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.userWithSession('admin')).cookie;
    viewer = (await t.userWithSession('viewer')).cookie;
    yard = await camera('Yard');
  });
  afterAll(() => t.close());

  it('serves a VOD playlist of the span: segment URLs, durations, a discontinuity and date-time at each gap', async () => {
    const ids = [
      segment(yard, base, base + 2_000),
      segment(yard, base + 2_000, base + 4_000),
      segment(yard, base + 4_000 + GAP_MS - 1, base + 6_000),
      segment(yard, base + 30_000, base + 33_500),
    ];
    segment(yard, base - DAY, base - DAY + 2_000);

    const response = await playlist(yard, base, base + 3_600_000);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(response.headers['cache-control']).toBe('no-store');
    const lines = response.body.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD',
    ]);
    expect(lines.filter((l) => l.startsWith('/api/'))).toEqual(ids.map((id) => `/api/recordings/${id}/file`));
    expect(lines.filter((l) => l.startsWith('#EXTINF:'))).toEqual([
      '#EXTINF:2.000,',
      '#EXTINF:2.000,',
      `#EXTINF:${((2_000 - GAP_MS + 1) / 1000).toFixed(3)},`,
      '#EXTINF:3.500,',
    ]);
    // One jump (the 24 s gap): the small one before it is played straight through.
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))).toEqual([
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(base).toISOString()}`,
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(base + 30_000).toISOString()}`,
    ]);
    expect(lines.at(-1)).toBe('#EXT-X-ENDLIST');
    // A segment that only overlaps the span's start is in it.
    const overlapping = (await playlist(yard, base + 1_000, base + 1_500)).body;
    expect(overlapping).toContain(`/api/recordings/${ids[0]}/file`);
    expect(overlapping).not.toContain(`/api/recordings/${ids[1]}/file`);
  });

  it('answers 404 NO_RECORDINGS for a span with nothing kept, and the index’s errors for bad requests', async () => {
    const empty = await playlist(yard, base + DAY, base + DAY + 60_000);
    expect(empty.statusCode).toBe(404);
    expect(empty.json()).toEqual({
      code: 'NO_RECORDINGS',
      message: 'Nothing was recorded by this camera between those times.',
    });
    const cases: [string, number, string][] = [
      [`camera=${yard}&from=${base}&to=${base}`, 400, 'BAD_RANGE'],
      [`camera=${yard}&from=${base}&to=${base + 7 * DAY + 1}`, 400, 'BAD_RANGE'],
      [`camera=${yard}&from=${base}`, 400, 'VALIDATION_FAILED'],
      [`camera=${yard}&from=2026-12-09&to=${base}`, 400, 'VALIDATION_FAILED'],
      [`camera=999999&from=${base}&to=${base + 1}`, 404, 'NOT_FOUND'],
    ];
    for (const [query, status, code] of cases) {
      const response = await get(`/api/recordings/playlist.m3u8?${query}`);
      expect(response.statusCode, query).toBe(status);
      expect(response.json(), query).toMatchObject({ code });
    }
  });

  it('serves an event’s clip over its linked segments, pre-roll first; 404s without segments or event', async () => {
    const street = await camera('Street');
    const at = base + 600_000;
    const withClip = await event(street, at);
    const before = segment(street, at - 4_000, at, [withClip]);
    const during = segment(street, at, at + 4_000, [withClip]);
    segment(street, at + 4_000, at + 8_000);

    const response = await get(`/api/events/${withClip}/clip.m3u8`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(response.headers['cache-control']).toBe('no-store');
    const lines = response.body.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('/api/'))).toEqual([
      `/api/recordings/${before}/file`,
      `/api/recordings/${during}/file`,
    ]);
    expect(lines).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(at - 4_000).toISOString()}`);
    expect(lines.at(-1)).toBe('#EXT-X-ENDLIST');

    const bare = await event(street, at + 120_000);
    expect((await get(`/api/events/${bare}/clip.m3u8`)).json()).toEqual({
      code: 'NO_RECORDINGS',
      message: 'Nothing was recorded for this event.',
    });
    const missing = await get('/api/events/999999/clip.m3u8');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets every role play, and nobody without a session', async () => {
    const urls = [`/api/recordings/playlist.m3u8?camera=${yard}&from=${base}&to=${base + 60_000}`];
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      const { cookie } = await t.userWithSession(role);
      for (const url of urls) expect((await get(url, cookie)).statusCode, `${role} ${url}`).toBe(200);
    }
    for (const url of [...urls, '/api/events/1/clip.m3u8']) {
      const response = await t.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers 423 VAULT_LOCKED on both playlists while the vault is locked', async () => {
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin },
      payload: {},
    });
    expect(lock.json()).toMatchObject({ state: 'locked' });
    for (const url of [
      `/api/recordings/playlist.m3u8?camera=${yard}&from=${base}&to=${base + 60_000}`,
      '/api/events/1/clip.m3u8',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(423);
      expect(response.json(), url).toMatchObject({ code: 'VAULT_LOCKED' });
    }
    await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin },
      payload: { passphrase: 'anything' },
    });
    expect((await playlist(yard, base, base + 60_000)).statusCode).toBe(200);
  });
});

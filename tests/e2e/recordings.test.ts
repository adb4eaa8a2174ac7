import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveHost } from '../support/live-host.js';
import {
  clickTimeline,
  recordedRanges,
  stampShown,
  startRecordingBrowser,
  type RecordingBrowser,
} from '../support/recordings-browser.js';

const FPS = 10;

/**
 * Playback for real: the test camera (its wall clock stamped into every frame) recording continuously in 2 s
 * segments onto the development vault → the Recordings page in Debian's Chromium → hls.js over the playlist. The
 * picture shown after a click on the timeline carries the clock of the moment clicked.
 *
 * Not covered here: an event's clip on its page. Events come from the inference worker, and a server in its own
 * process has no hook to make one; tests/integration/recordings-playlist.test.ts covers clip.m3u8.
 */
describe('recordings playback in Chromium', () => {
  let host: LiveHost;
  let page: Page;
  let session: RecordingBrowser;
  let cameraId: number;
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);

  const shownStamp = () => stampShown(page);
  const player = () => page.getByTestId('recording-player');
  const wallClock = async () => Number(await player().getAttribute('data-wall-clock'));

  const clickTimelineAt = (at: number) => clickTimeline(page, at);

  beforeAll(async () => {
    session = await startRecordingBrowser('playback');
    ({ host, page } = session);
  }, 120_000);
  afterAll(() => session.close());

  it('records a test camera continuously and shows it recording on its live tile', async () => {
    const created = await api('POST', '/api/cameras', {
      name: 'Clock',
      kind: 'test',
      width: 640,
      height: 360,
      fps: FPS,
    });
    expect(created.status).toBe(201);
    cameraId = (created.body as { id: number }).id;
    const current = (await api('GET', `/api/cameras/${cameraId}/recording`)).body as {
      settings: Record<string, unknown>;
    };
    const saved = await api('PUT', `/api/cameras/${cameraId}/recording`, {
      ...current.settings,
      mode: 'continuous',
      segmentSeconds: 2,
    });
    expect(saved.status).toBe(200);

    const ranges = () => recordedRanges(host, cameraId);
    await expect
      .poll(async () => (await ranges()).reduce((ms, r) => Math.max(ms, r.endedAt - r.startedAt), 0), {
        timeout: 45_000,
        interval: 1_000,
      })
      .toBeGreaterThanOrEqual(12_000);

    await page.goto(`${host.server.url}/live`);
    await expect
      .poll(() => page.locator(`[data-camera-id="${cameraId}"] [data-testid="camera-recording"]`).count(), {
        timeout: 15_000,
      })
      .toBe(1);
  });

  it('plays from the moment clicked on the timeline: the picture carries that moment’s clock (±1 s)', async () => {
    const range = (await recordedRanges(host, cameraId)).find((r) => r.endedAt - r.startedAt >= 12_000);
    if (range === undefined) throw new Error('no 12 s of recording');
    // A 10-minute view (the narrowest) with the recording in it, so a pixel is about half a second.
    const from = range.startedAt - 120_000;
    await page.goto(`${host.server.url}/recordings/${cameraId}?from=${from}&to=${from + 600_000}`);
    await expect.poll(() => page.getByTestId('timeline-range').count(), { timeout: 15_000 }).toBe(1);

    // First click: the playlist loads, and it plays on from there.
    const first = range.startedAt + 3_000;
    await clickTimelineAt(first);
    await expect.poll(() => player().getAttribute('data-playing'), { timeout: 15_000 }).toBe('true');
    await expect.poll(wallClock, { timeout: 15_000 }).toBeGreaterThan(first + 1_000);
    // From the moment clicked, not from the playlist's start (3 s earlier).
    const early = await shownStamp();
    expect(early).not.toBeNull();
    expect((early ?? 0) - first).toBeGreaterThan(0);
    expect((early ?? 0) - first).toBeLessThan(6_000);
    expect(await page.getByTestId('recordings-notice').count()).toBe(0);
    await page.screenshot({ path: 'test-results/e2e/40-recordings-playing.png' });

    // Paused, a click seeks and stays on that moment's picture.
    await page.getByTestId('player-play').click();
    await expect.poll(() => player().getAttribute('data-playing')).toBe('false');
    const moment = range.startedAt + 6_000;
    await clickTimelineAt(moment);
    const target = await wallClock();
    expect(Math.abs(target - moment)).toBeLessThan(1_000);
    await expect
      .poll(async () => Math.abs(((await shownStamp()) ?? Infinity) - target), { timeout: 10_000 })
      .toBeLessThan(1_000);
    const shown = (await shownStamp()) ?? 0;
    console.info(`recordings: clicked ${moment}, played ${target}, picture stamped ${shown}`);
    expect(Math.abs(shown - moment)).toBeLessThanOrEqual(1_000);
    // The clock beside the player agrees with the picture.
    expect(Math.abs((await wallClock()) - shown)).toBeLessThan(500);

    // One frame forward: the next picture, a tenth of a second later at 10 frames/s.
    await page.getByTestId('player-step-forward').click();
    await expect
      .poll(async () => ((await shownStamp()) ?? shown) - shown, { timeout: 5_000 })
      .toBeGreaterThan(0);
    const stepped = ((await shownStamp()) ?? shown) - shown;
    expect(stepped).toBeGreaterThanOrEqual(1_000 / FPS / 2);
    expect(stepped).toBeLessThanOrEqual((1_000 / FPS) * 2.5);

    // 2× speed plays through the recording twice as fast as the clock on the wall.
    await page.getByRole('button', { name: '2×' }).click();
    await page.getByTestId('player-play').click();
    const before = await wallClock();
    const startedAt = Date.now();
    await page.waitForTimeout(1_500);
    const advanced = (await wallClock()) - before;
    expect(advanced / (Date.now() - startedAt)).toBeGreaterThan(1.4);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveHost } from '../support/live-host.js';
import { startRecordingBrowser, type RecordingBrowser } from '../support/recordings-browser.js';

/**
 * The timeline's stills for real: a test camera recording continuously onto the development vault, the
 * server making a thumbnail of a kept segment, the Recordings page in Debian's Chromium showing it above the
 * timeline, and a click on it playing from its moment.
 *
 * Not covered here: an event marker's snapshot on hover. Events come from the inference worker, and a server in
 * its own process has no hook to make one.
 */
describe('recording thumbnails in Chromium', () => {
  let host: LiveHost;
  let page: Page;
  let session: RecordingBrowser;

  beforeAll(async () => {
    session = await startRecordingBrowser('thumbnails');
    ({ host, page } = session);
  }, 120_000);
  afterAll(() => session.close());

  it('shows the still above the timeline, and plays from its moment when clicked', async () => {
    const created = await host.api('POST', '/api/cameras', {
      name: 'Stills',
      kind: 'test',
      width: 640,
      height: 360,
      fps: 10,
    });
    expect(created.status).toBe(201);
    const cameraId = (created.body as { id: number }).id;
    const saved = await host.api('PUT', `/api/cameras/${cameraId}/recording`, {
      mode: 'continuous',
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    expect(saved.status).toBe(200);

    const stills = async () => {
      const now = Date.now();
      const listed = await host.api(
        'GET',
        `/api/recordings/thumbnails?camera=${cameraId}&from=${now - 600_000}&to=${now + 60_000}`,
      );
      return (listed.body as { thumbnails: { id: number; at: number }[] }).thumbnails;
    };
    await expect.poll(async () => (await stills()).length, { timeout: 45_000, interval: 1_000 }).toBe(1);
    const [still] = await stills();
    if (still === undefined) throw new Error('no thumbnail');
    // Footage after the still's moment to play.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const from = still.at - 120_000;
    await page.goto(`${host.server.url}/recordings/${cameraId}?from=${from}&to=${from + 600_000}`);
    const thumbnail = page.getByTestId('recording-thumbnail');
    await expect.poll(() => thumbnail.count(), { timeout: 15_000 }).toBe(1);
    expect(Number(await thumbnail.getAttribute('data-at'))).toBe(still.at);
    // The picture itself loaded: the 320 px JPEG the server made.
    const naturalWidth = () =>
      page.evaluate<number>(
        `document.querySelector('[data-testid="recording-thumbnail"] img')?.naturalWidth ?? 0`,
      );
    await expect.poll(naturalWidth, { timeout: 10_000 }).toBe(320);
    // It sits over its moment on the timeline, within one slot.
    const strip = page.getByTestId('recordings-timeline');
    const [stripBox, thumbBox] = [await strip.boundingBox(), await thumbnail.boundingBox()];
    if (stripBox === null || thumbBox === null) throw new Error('not on the page');
    const x = stripBox.x + ((still.at - from) / 600_000) * stripBox.width;
    expect(x).toBeGreaterThanOrEqual(thumbBox.x - 1);
    expect(x).toBeLessThanOrEqual(thumbBox.x + thumbBox.width + 1);
    await page.screenshot({ path: 'test-results/e2e/41-recording-thumbnails.png', fullPage: true });

    await thumbnail.click();
    const player = page.getByTestId('recording-player');
    await expect.poll(() => player.getAttribute('data-playing'), { timeout: 15_000 }).toBe('true');
    // From the still's moment on, not from the start of the playlist (two minutes of view before it).
    const clock = async () => Number((await player.getAttribute('data-wall-clock')) ?? 0);
    await expect.poll(clock, { timeout: 10_000 }).toBeGreaterThanOrEqual(still.at);
    expect(await clock()).toBeLessThan(still.at + 5_000);
  });
});

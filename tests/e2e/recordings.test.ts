import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStamp, STAMP_CELLS } from '../../media/test-pattern/stamp.js';
import { launchChromium } from '../support/browser.js';
import { cookieFor, startLiveHost, type LiveHost } from '../support/live-host.js';

interface Range {
  startedAt: number;
  endedAt: number;
}

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
  let browser: Browser;
  let page: Page;
  let cache: string;
  let cameraId: number;
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);

  /** The stamped clock of the picture the player shows now, or null when it cannot be read. */
  const shownStamp = async (): Promise<number | null> => {
    const grabbed = await page.evaluate<{ width: number; band: number; pixels: number[] } | null>(`(() => {
      const video = document.querySelector('[data-testid="recording-video"]');
      if (!video || video.videoWidth === 0) return null;
      const width = video.videoWidth;
      const band = Math.ceil(width / ${STAMP_CELLS}) + 1;
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = band;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      context.drawImage(video, 0, 0, width, video.videoHeight, 0, 0, width, video.videoHeight);
      return { width, band, pixels: Array.from(context.getImageData(0, 0, width, band).data) };
    })()`);
    if (grabbed === null) return null;
    return decodeStamp(Uint8Array.from(grabbed.pixels), grabbed.width, grabbed.band);
  };
  const player = () => page.getByTestId('recording-player');
  const wallClock = async () => Number(await player().getAttribute('data-wall-clock'));

  /** Clicks the timeline where the page's own geometry puts moment `at`. */
  const clickTimelineAt = async (at: number) => {
    const strip = page.getByTestId('recordings-timeline');
    const from = Number(await strip.getAttribute('data-from'));
    const to = Number(await strip.getAttribute('data-to'));
    await strip.scrollIntoViewIfNeeded();
    const box = await strip.boundingBox();
    if (box === null) throw new Error('the timeline is not on the page');
    await page.mouse.click(box.x + ((at - from) / (to - from)) * box.width, box.y + box.height / 2);
  };

  beforeAll(async () => {
    const vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-playback-vault-'));
    cache = mkdtempSync('/dev/shm/vigil-playback-cache-');
    host = await startLiveHost({
      VIGIL_VAULT: `dir:${vaultDir}`,
      VIGIL_ALLOW_INSECURE_VAULT: '1',
      VIGIL_CACHE_DIR: cache,
    });
    browser = await launchChromium([host.netns.nsIp]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([cookieFor(host, host.cookie)]);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser.close().catch(() => undefined);
    await host.stop();
    rmSync(cache, { recursive: true, force: true });
  });

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

    const ranges = async () => {
      const now = Date.now();
      const index = await api('GET', `/api/recordings?camera=${cameraId}&from=${now - 600_000}&to=${now}`);
      return (index.body as { ranges: Range[] }).ranges;
    };
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
    const now = Date.now();
    const index = await api('GET', `/api/recordings?camera=${cameraId}&from=${now - 600_000}&to=${now}`);
    const range = (index.body as { ranges: Range[] }).ranges.find((r) => r.endedAt - r.startedAt >= 12_000);
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

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, type LiveHost } from '../support/live-host.js';
import {
  clickTimeline,
  recordedRanges,
  stampShown,
  startRecordingBrowser,
  type RecordingBrowser,
  type RecordedRange,
} from '../support/recordings-browser.js';

type Span = RecordedRange;

const FPS = 10;
const SEGMENT_MS = 2_000;
const VIEWER = { username: 'vera', password: 'viewer passphrase 2026' };
const SHOTS = 'test-results/e2e';

/**
 * Export for real: the test camera (its wall clock stamped into every frame) recording continuously in 2 s
 * segments onto the development vault → on the Recordings page in Debian's Chromium, an admin marks ~8 s at the
 * playhead and exports it → the MP4 from Files plays in a <video> from its first picture to its last, as long
 * as the whole segments the range touches. A viewer gets no export controls (the API's 403 for viewers is in
 * tests/media/recording-export.test.ts).
 */
describe('exporting a recorded range in Chromium', () => {
  let host: LiveHost;
  let browser: Browser;
  let page: Page;
  let session: RecordingBrowser;
  let cameraId: number;
  let range: Span;
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);

  const stampOf = (selector: string) => stampShown(page, selector);
  const player = () => page.getByTestId('recording-player');
  const exportPanel = () => page.getByTestId('recording-export');

  const clickTimelineAt = (at: number) => clickTimeline(page, at);

  /** The Recordings page on a 10-minute view (about half a second a pixel) with the recording in it. */
  const openRecordings = async (on: Page) => {
    const from = range.startedAt - 120_000;
    await on.goto(`${host.server.url}/recordings/${cameraId}?from=${from}&to=${from + 600_000}`);
    await expect.poll(() => on.getByTestId('timeline-range').count(), { timeout: 15_000 }).toBe(1);
  };

  beforeAll(async () => {
    session = await startRecordingBrowser('export');
    ({ host, browser, page } = session);
  }, 120_000);
  afterAll(() => session.close());

  it('records a test camera continuously', async () => {
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
      segmentSeconds: SEGMENT_MS / 1_000,
    });
    expect(saved.status).toBe(200);

    const longest = async () => {
      const ranges = await recordedRanges(host, cameraId);
      return ranges.reduce<Span | undefined>(
        (best, r) =>
          best === undefined || r.endedAt - r.startedAt > best.endedAt - best.startedAt ? r : best,
        undefined,
      );
    };
    const spanMs = async () => {
      const found = await longest();
      return found === undefined ? 0 : found.endedAt - found.startedAt;
    };
    await expect.poll(spanMs, { timeout: 60_000, interval: 1_000 }).toBeGreaterThanOrEqual(16_000);
    const found = await longest();
    if (found === undefined) throw new Error('no recording');
    range = found;
  });

  it('exports a range marked at the playhead as an MP4 that plays from start to end', async () => {
    await openRecordings(page);
    await exportPanel().waitFor({ state: 'visible' });
    expect(await page.getByTestId('export-start').isDisabled()).toBe(true);

    // Play once so the player has the playlist, pause, then every click seeks and stays on that moment.
    await clickTimelineAt(range.startedAt + 3_000);
    await expect.poll(() => player().getAttribute('data-playing'), { timeout: 15_000 }).toBe('true');
    await page.getByTestId('player-play').click();
    await expect.poll(() => player().getAttribute('data-playing')).toBe('false');

    const start = range.startedAt + 3_000;
    await clickTimelineAt(start);
    await page.waitForTimeout(300);
    await page.getByTestId('export-set-start').click();
    await clickTimelineAt(start + 8_000);
    await page.waitForTimeout(300);
    await page.getByTestId('export-set-end').click();

    const from = Number(await exportPanel().getAttribute('data-from'));
    const to = Number(await exportPanel().getAttribute('data-to'));
    console.info(
      `export: marked ${from} – ${to} (${to - from} ms): ${await page.getByTestId('export-range').textContent()}`,
    );
    expect(Math.abs(from - start)).toBeLessThan(1_500);
    expect(Math.abs(to - (start + 8_000))).toBeLessThan(1_500);
    expect(await page.getByTestId('timeline-selection').isVisible()).toBe(true);

    await page.getByTestId('export-start').click();
    const done = page.getByTestId('export-done-link');
    await done.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await page.getByTestId('export-error').count()).toBe(0);
    const exported = (await done.getAttribute('data-path')) ?? '';
    expect(exported).toMatch(/^\/Exports\/Clock .+\.mp4$/);
    await page.screenshot({ path: `${SHOTS}/45-recording-exported.png` });

    // Whole segments: the export holds every segment the range touches, their gaps closed.
    const index = await api('GET', `/api/recordings?camera=${cameraId}&from=${from}&to=${to}`);
    const segments = (index.body as { segments: Span[] }).segments;
    const first = segments[0];
    const last = segments.at(-1);
    if (first === undefined || last === undefined) throw new Error('no segments in the range');
    const expectedMs = segments.reduce((ms, s) => ms + s.endedAt - s.startedAt, 0);

    // The MP4 from Files, with the session cookie, in a <video> on the page; sped up, it still plays every picture.
    const downloadHref = (await page.getByTestId('export-download').getAttribute('href')) ?? '';
    expect(downloadHref).toBe(`/api/files/download?${new URLSearchParams({ path: exported }).toString()}`);
    await page.evaluate(`(() => {
      const video = document.createElement('video');
      video.dataset.testid = 'export-video';
      video.muted = true;
      video.preload = 'auto';
      video.src = ${JSON.stringify(downloadHref)};
      document.body.append(video);
    })()`);
    await expect
      .poll(() => page.evaluate(`document.querySelector('[data-testid="export-video"]').readyState`), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(2);
    const firstStamp = await stampOf('[data-testid="export-video"]');
    const played = await page.evaluate<{
      ended: boolean;
      duration: number;
      currentTime: number;
      error: unknown;
    }>(
      `new Promise((resolve) => {
        const video = document.querySelector('[data-testid="export-video"]');
        const report = () => resolve({
          ended: video.ended,
          duration: video.duration,
          currentTime: video.currentTime,
          error: video.error && video.error.message,
        });
        video.addEventListener('ended', report, { once: true });
        video.addEventListener('error', report, { once: true });
        setTimeout(report, 30000);
        video.playbackRate = 2;
        video.play().catch(report);
      })`,
    );
    const lastStamp = await stampOf('[data-testid="export-video"]');
    console.info(
      `export: ${segments.length} segments, ${expectedMs} ms expected; played ${JSON.stringify(played)}; ` +
        `stamps ${firstStamp} (first segment ${first.startedAt}) … ${lastStamp} (last ends ${last.endedAt})`,
    );
    expect(played.error).toBeNull();
    expect(played.ended).toBe(true);
    expect(Math.abs(played.duration * 1_000 - expectedMs)).toBeLessThan(500);
    expect(Math.abs(played.currentTime - played.duration)).toBeLessThan(0.5);
    // At least the range marked, at most a segment more at either end.
    expect(played.duration * 1_000).toBeGreaterThan(to - from - 500);
    expect(played.duration * 1_000).toBeLessThan(to - from + 2 * SEGMENT_MS + 500);
    // The pictures are those of the range: the first of the first segment, the last of the last.
    expect(firstStamp).not.toBeNull();
    expect(lastStamp).not.toBeNull();
    expect(Math.abs((firstStamp ?? 0) - first.startedAt)).toBeLessThan(1_000);
    expect(Math.abs((lastStamp ?? 0) - last.endedAt)).toBeLessThan(1_000);

    // The link opens the Exports folder in Files, with the MP4 in it.
    await done.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('path')).toBe('/Exports');
    await page
      .getByText(exported.slice('/Exports/'.length))
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('shows a viewer no export controls', async () => {
    const created = await api('POST', '/api/users', { ...VIEWER, role: 'viewer' });
    expect(created.status).toBe(201);
    const cookie = await host.login(VIEWER.username, VIEWER.password);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([cookieFor(host, cookie)]);
    const viewerPage = await context.newPage();
    try {
      await openRecordings(viewerPage);
      await viewerPage.getByTestId('recordings-timeline').waitFor({ state: 'visible' });
      expect(await viewerPage.getByTestId('recording-export').count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: 'Export MP4' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

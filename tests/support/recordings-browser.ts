/**
 * What the recording e2e tests share: a live host recording onto a development vault with its RAM cache in
 * /dev/shm, Debian's Chromium signed in as its admin, the stamped clock of the picture a <video> shows, and a
 * click on the Recordings timeline at a moment by the page's own geometry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decodeStamp, STAMP_CELLS } from '../../media/test-pattern/stamp.js';
import { launchChromium } from './browser.js';
import { cookieFor, startLiveHost, type LiveHost } from './live-host.js';

/** A stretch of footage on the timeline, as GET /api/recordings lists it (epoch ms). */
export interface RecordedRange {
  startedAt: number;
  endedAt: number;
}

export interface RecordingBrowser {
  host: LiveHost;
  browser: Browser;
  /** A page of the admin's (1280×900). */
  page: Page;
  close(): Promise<void>;
}

/** The live host with a development vault and a tmpfs cache, and Chromium signed in as its admin. */
export async function startRecordingBrowser(label: string): Promise<RecordingBrowser> {
  const vaultDir = mkdtempSync(path.join(tmpdir(), `vigil-${label}-vault-`));
  const cache = mkdtempSync(`/dev/shm/vigil-${label}-cache-`);
  const host = await startLiveHost({
    VIGIL_VAULT: `dir:${vaultDir}`,
    VIGIL_ALLOW_INSECURE_VAULT: '1',
    VIGIL_CACHE_DIR: cache,
  });
  const browser = await launchChromium([host.netns.nsIp]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([cookieFor(host, host.cookie)]);
  const page = await context.newPage();
  return {
    host,
    browser,
    page,
    async close() {
      await browser.close().catch(() => undefined);
      await host.stop();
      rmSync(cache, { recursive: true, force: true });
    },
  };
}

/** The camera's recorded ranges over the last 10 minutes. */
export async function recordedRanges(host: LiveHost, cameraId: number): Promise<RecordedRange[]> {
  const now = Date.now();
  const index = await host.api('GET', `/api/recordings?camera=${cameraId}&from=${now - 600_000}&to=${now}`);
  return (index.body as { ranges: RecordedRange[] }).ranges;
}

/** The stamped clock of the picture the <video> at `selector` shows now, or null when it cannot be read. */
export async function stampShown(
  page: Page,
  selector = '[data-testid="recording-video"]',
): Promise<number | null> {
  const grabbed = await page.evaluate<{ width: number; band: number; pixels: number[] } | null>(`(() => {
    const video = document.querySelector(${JSON.stringify(selector)});
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
}

/** Clicks the Recordings timeline where the page's own geometry puts moment `at`. */
export async function clickTimeline(page: Page, at: number): Promise<void> {
  const strip = page.getByTestId('recordings-timeline');
  const from = Number(await strip.getAttribute('data-from'));
  const to = Number(await strip.getAttribute('data-to'));
  await strip.scrollIntoViewIfNeeded();
  const box = await strip.boundingBox();
  if (box === null) throw new Error('the timeline is not on the page');
  await page.mouse.click(box.x + ((at - from) / (to - from)) * box.width, box.y + box.height / 2);
}

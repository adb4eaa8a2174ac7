import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../tests/support/browser.js';
import { cookieFor, startLiveHost, type LiveHost } from '../tests/support/live-host.js';
import { childProcesses } from '../tests/support/processes.js';
import { percentile, samplerScript, stampDecoderScript } from './live-page-probe.js';

/**
 * `npm run bench:live`: glass-to-glass delay of the test camera at 1280×720 30 fps, read from the stamped
 * frames in Chromium, over WebRTC (Janus) and over the MJPEG stills stream in the same run; time to first
 * frame; Janus CPU with 1 and 10 viewers. Prints figures and ratios; record them in bench/RESULTS.md.
 */
const RUNS = 3;
const FRAMES_PER_RUN = 600;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

let host: LiveHost;
let browser: Browser;
let context: BrowserContext;
let cameraId = 0;

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
  };
};
const cpuTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};

/** Opens the single-camera view and samples until `frames` stamps were read; returns delays and first frame. */
async function sampleWebRtc(frames: number) {
  const page = await context.newPage();
  await page.goto(`${host.server.url}/live/${cameraId}`);
  await page.evaluate(samplerScript('[data-testid="camera-video"]'));
  await expect
    .poll(() => page.evaluate('window.__samples.length'), { timeout: 120_000, interval: 500 })
    .toBeGreaterThanOrEqual(frames);
  const samples = await page.evaluate<number[]>('window.__samples');
  const firstFrameMs = await page.evaluate<number>('window.__firstFrameMs');
  await page.close();
  return { samples, firstFrameMs };
}

beforeAll(async () => {
  host = await startLiveHost();
  const created = await host.api('POST', '/api/cameras', {
    name: 'Bench',
    kind: 'test',
    width: 1280,
    height: 720,
    fps: 30,
  });
  cameraId = (created.body as { id: number }).id;
  browser = await launchChromium([host.netns.nsIp]);
  // The page's CSP (script-src 'self') would refuse the injected sampler; the bench bypasses it.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
  await context.addCookies([cookieFor(host, host.cookie)]);
  await context.addInitScript(stampDecoderScript());
});

afterAll(async () => {
  await browser.close().catch(() => undefined);
  await host.stop();
});

it('measures live delay: WebRTC against MJPEG, first frame, Janus CPU', async () => {
  const webrtc: number[] = [];
  const firstFrames: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await sampleWebRtc(FRAMES_PER_RUN);
    webrtc.push(...result.samples);
    firstFrames.push(result.firstFrameMs);
  }

  // MJPEG: the same camera's stills stream (about 2 pictures a second, at most 640 px wide).
  const mjpegPage = await context.newPage();
  await mjpegPage.goto(`${host.server.url}/api/docs/`); // any same-origin page: the <img> carries the cookie
  await mjpegPage.evaluate(
    `(() => { const img = document.createElement('img'); img.id = 'mjpeg'; img.src = '/api/cameras/${cameraId}/mjpeg'; document.body.prepend(img); })()`,
  );
  await mjpegPage.evaluate(samplerScript('#mjpeg'));
  await expect
    .poll(() => mjpegPage.evaluate('window.__samples.length'), { timeout: 120_000, interval: 500 })
    .toBeGreaterThanOrEqual(60);
  const mjpeg = await mjpegPage.evaluate<number[]>('window.__samples');
  await mjpegPage.close();

  // Janus CPU over 20 s with 1 viewer, then with 10.
  const janusPid = childProcesses(host.server.pid).find((c) => c.cmdline.includes('janus'))?.pid ?? 0;
  const janusCpu = async (viewers: number) => {
    const pages = await Promise.all(Array.from({ length: viewers }, () => context.newPage()));
    await Promise.all(pages.map((p) => p.goto(`${host.server.url}/live/${cameraId}`)));
    await new Promise((r) => setTimeout(r, 5_000));
    const before = cpuTicks(janusPid);
    await new Promise((r) => setTimeout(r, 20_000));
    const percent = ((cpuTicks(janusPid) - before) / TICKS_PER_SECOND / 20) * 100;
    await Promise.all(pages.map((p) => p.close()));
    return percent;
  };
  const cpu1 = await janusCpu(1);
  const cpu10 = await janusCpu(10);

  const w = summary(webrtc);
  const m = summary(mjpeg);
  const f = summary(firstFrames);
  const lines = [
    `WebRTC glass-to-glass (ms): p50 ${w.p50}  p95 ${w.p95}  max ${w.max}  (${w.n} frames, ${RUNS} runs)`,
    `MJPEG stills (ms):          p50 ${m.p50}  p95 ${m.p95}  max ${m.max}  (${m.n} frames)`,
    `ratio MJPEG/WebRTC:         p50 ${(m.p50 / w.p50).toFixed(2)}×  p95 ${(m.p95 / w.p95).toFixed(2)}×`,
    `first frame after page load (ms): p50 ${f.p50.toFixed(0)}  max ${f.max.toFixed(0)}`,
    `Janus CPU: 1 viewer ${cpu1.toFixed(1)} %  10 viewers ${cpu10.toFixed(1)} % of a core (ratio ${(cpu10 / Math.max(cpu1, 0.1)).toFixed(1)}×)`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  expect(w.n).toBeGreaterThanOrEqual(RUNS * FRAMES_PER_RUN);
});

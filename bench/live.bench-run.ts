import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../tests/support/browser.js';
import { cookieFor, startLiveHost, type LiveHost } from '../tests/support/live-host.js';
import { childProcesses } from '../tests/support/processes.js';
import {
  cpuMeter,
  processTree,
  startReferenceStreamer,
  summarise,
  trafficMeter,
  type Summary,
} from './live-measure.js';
import {
  LIVE_FRAME_MS,
  samplerScript,
  stampDecoderScript,
  TIMELINE_STEPS,
  timelineScript,
  type Timeline,
} from './live-page-probe.js';

/**
 * `npm run bench:live`: glass-to-glass delay of the test camera at 1280×720 30 fps, read from the stamped frames
 * in Chromium, over WebRTC (Vigil → Janus) and over MJPEG and HLS from the same pattern at the same size, rate and
 * encoder settings, in the same run; on the bare veth with one viewer and on an emulated home link with four;
 * bits per viewer and server CPU per path; time to first frame; Janus CPU with 1 and 10 viewers.
 * Prints figures and ratios against WebRTC; record them in bench/RESULTS.md.
 */
const SIZE = { width: 1280, height: 720, fps: 30 };
/** `BENCH_QUICK=1`: a short pass that checks the bench's own plumbing; its figures mean nothing. */
const QUICK = process.env['BENCH_QUICK'] === '1';
const RUNS = QUICK ? 1 : 3;
const FRAMES = QUICK ? 90 : 600;
/** A path that cannot deliver FRAMES (e.g. a browser decoding MJPEG slower than 30 fps) stops here. */
const RUN_LIMIT_MS = 45_000;
const FIRST_FRAME_LOADS = QUICK ? 2 : 10;
const HOME_LINK = { rateMbit: 20, lossPct: 0.5 };
const HOME_VIEWERS = 4;

type PathName = 'WebRTC' | 'MJPEG' | 'HLS';
interface PathResult {
  latency: Summary;
  mbitPerViewer: number;
  cpuPercent: number;
}

let host: LiveHost;
let browser: Browser;
let context: BrowserContext;
let cameraId = 0;

/** Progress on stderr, so a long run shows where it is. */
const progress = (message: string) =>
  process.stderr.write(`[bench:live ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const setCamera = (enabled: boolean) => host.api('PATCH', `/api/cameras/${cameraId}`, { enabled });

/** Opens `viewers` pages on `url`, samples each until FRAMES stamps (or the limit), measures traffic and CPU. */
async function measure(url: string, selector: string, viewers: number, cpuOf: () => number[]) {
  const pages = await Promise.all(Array.from({ length: viewers }, () => context.newPage()));
  // 'domcontentloaded': an MJPEG <img> never finishes loading, so 'load' would never come.
  await Promise.all(pages.map((page) => page.goto(url, { waitUntil: 'domcontentloaded' })));
  await Promise.all(pages.map((page) => page.evaluate(samplerScript(selector))));
  // Start counting once every page shows frames, so start-up does not count as steady-state traffic.
  await Promise.all(pages.map((page) => waitForSamples(page, 1, 30_000)));
  const traffic = trafficMeter(host.netns);
  const cpu = cpuMeter(cpuOf);
  await Promise.all(pages.map((page) => waitForSamples(page, FRAMES, RUN_LIMIT_MS)));
  const mbit = traffic() / viewers;
  const cpuPercent = cpu();
  const samples = (
    await Promise.all(pages.map((page) => page.evaluate<number[]>('window.__samples')))
  ).flat();
  await Promise.all(pages.map((page) => page.close()));
  return { samples, mbit, cpuPercent };
}

async function waitForSamples(page: Page, count: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if ((await page.evaluate<number>('window.__samples.length')) >= count) return;
    await sleep(250);
  }
}

/** Runs the three paths with `viewers` viewers, `runs` times each; Vigil's camera only runs for WebRTC. */
async function comparePaths(viewers: number, runs: number): Promise<Record<PathName, PathResult>> {
  const results = {} as Record<PathName, PathResult>;
  const collect = async (name: PathName, run: () => Promise<Awaited<ReturnType<typeof measure>>>) => {
    const all: number[] = [];
    let mbit = 0;
    let cpu = 0;
    for (let i = 0; i < runs; i++) {
      progress(`${name}: run ${i + 1} of ${runs}, ${viewers} viewer(s)`);
      const result = await run();
      all.push(...result.samples);
      mbit += result.mbit / runs;
      cpu += result.cpuPercent / runs;
    }
    results[name] = { latency: summarise(all), mbitPerViewer: mbit, cpuPercent: cpu };
  };

  await setCamera(true);
  await sleep(3_000);
  await collect('WebRTC', () =>
    measure(`${host.server.url}/live/${cameraId}`, '[data-testid="camera-video"]', viewers, () =>
      processTree(host.server.pid),
    ),
  );
  await setCamera(false);
  for (const mode of ['mjpeg', 'hls'] as const) {
    const streamer = await startReferenceStreamer(host.netns, mode, SIZE);
    try {
      await sleep(mode === 'hls' ? 4_000 : 1_000); // a few segments on the playlist
      await collect(mode === 'hls' ? 'HLS' : 'MJPEG', () =>
        measure(`${streamer.url}/`, '#media', viewers, () => [streamer.pid]),
      );
    } finally {
      await streamer.stop();
    }
  }
  await setCamera(true);
  return results;
}

/**
 * Navigation start → first decoded stamped frame, on fresh pages of the signed-in app (warm cache). The sampler
 * and a timeline of the steps on the way are in place before the app's code runs; the median of each step is
 * reported with the first frames.
 */
async function firstFrames(): Promise<{ first: Summary; live: Summary; steps: string }> {
  const times: number[] = [];
  const liveTimes: number[] = [];
  const timelines: Timeline[] = [];
  for (let i = 0; i < FIRST_FRAME_LOADS; i++) {
    const page = await context.newPage();
    await page.addInitScript(timelineScript());
    await page.addInitScript(samplerScript('[data-testid="camera-video"]'));
    await page.goto(`${host.server.url}/live/${cameraId}`);
    await waitForSamples(page, 1, 30_000);
    times.push(await page.evaluate<number>('window.__firstFrameMs'));
    await page.waitForFunction('window.__firstLiveMs !== null', undefined, { timeout: 30_000 });
    liveTimes.push(await page.evaluate<number>('window.__firstLiveMs'));
    timelines.push(await page.evaluate<Timeline>('window.__timeline'));
    await page.close();
    await sleep(500);
  }
  const steps = TIMELINE_STEPS.map((step) => {
    const at = summarise(timelines.flatMap((timeline) => timeline[step] ?? [])).p50;
    return `${step} ${at.toFixed(0)}`;
  }).join(' → ');
  return { first: summarise(times), live: summarise(liveTimes), steps };
}

async function janusCpu(viewers: number): Promise<number> {
  const janusPid = childProcesses(host.server.pid).find((c) => c.cmdline.includes('janus'))?.pid ?? 0;
  const pages = await Promise.all(Array.from({ length: viewers }, () => context.newPage()));
  await Promise.all(pages.map((page) => page.goto(`${host.server.url}/live/${cameraId}`)));
  await sleep(QUICK ? 1_000 : 5_000);
  const cpu = cpuMeter(() => [janusPid]);
  await sleep(QUICK ? 3_000 : 20_000);
  const percent = cpu();
  await Promise.all(pages.map((page) => page.close()));
  return percent;
}

beforeAll(async () => {
  host = await startLiveHost();
  const created = await host.api('POST', '/api/cameras', { name: 'Bench', kind: 'test', ...SIZE });
  cameraId = (created.body as { id: number }).id;
  browser = await launchChromium([host.netns.nsIp]);
  // The app's CSP (script-src 'self') would refuse the injected sampler; the bench bypasses it.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
  await context.addCookies([cookieFor(host, host.cookie)]);
  await context.addInitScript(stampDecoderScript());
});

afterAll(async () => {
  await browser.close().catch(() => undefined);
  await host.stop();
});

const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(8);
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`.padStart(7);

function table(title: string, results: Record<PathName, PathResult>): string {
  const base = results.WebRTC;
  const rows = (Object.entries(results) as [PathName, PathResult][]).map(
    ([name, r]) =>
      `${name.padEnd(7)} p50 ${ms(r.latency.p50)} (${ratio(r.latency.p50, base.latency.p50)})  p95 ${ms(r.latency.p95)} (${ratio(r.latency.p95, base.latency.p95)})  max ${ms(r.latency.max)}  ` +
      `${r.latency.n} frames  ${r.mbitPerViewer.toFixed(2)} Mbit/s per viewer (${ratio(r.mbitPerViewer, base.mbitPerViewer)})  ` +
      `server CPU ${r.cpuPercent.toFixed(0)} % (${ratio(r.cpuPercent, base.cpuPercent)})`,
  );
  return [title, ...rows].join('\n');
}

it('measures live delay: WebRTC against MJPEG and HLS, first frame, Janus CPU', async () => {
  const bare = await comparePaths(1, RUNS);
  await host.netns.shape(HOME_LINK);
  const home = await comparePaths(HOME_VIEWERS, 1);
  await host.netns.shape({});
  progress('first frames');
  const { first, live, steps } = await firstFrames();
  progress('Janus CPU');
  const cpu1 = await janusCpu(1);
  const cpu10 = await janusCpu(10);

  console.log(
    [
      '',
      table(`Bare veth, 1 viewer, ${RUNS} runs (ratios against WebRTC):`, bare),
      '',
      table(
        `Home link (${HOME_LINK.rateMbit} Mbit/s tbf, ${HOME_LINK.lossPct} % loss; no delay: no sch_netem), ${HOME_VIEWERS} viewers:`,
        home,
      ),
      '',
      `First frame after page load: p50 ${ms(first.p50)}  p95 ${ms(first.p95)}  max ${ms(first.max)} (${first.n} loads)`,
      `  medians on the way, ms from navigation start: ${steps} → stamped frame ${first.p50.toFixed(0)}`,
      `First live frame (at most ${LIVE_FRAME_MS} ms old; the first frame is Janus's kept keyframe): p50 ${ms(live.p50)}  p95 ${ms(live.p95)}  max ${ms(live.max)}`,
      `Janus CPU: 1 viewer ${cpu1.toFixed(1)} %  10 viewers ${cpu10.toFixed(1)} % of a core (ratio ${(cpu10 / Math.max(cpu1, 0.1)).toFixed(1)}×)`,
      '',
    ].join('\n'),
  );
  expect(bare.WebRTC.latency.n).toBeGreaterThanOrEqual(RUNS * FRAMES);
});

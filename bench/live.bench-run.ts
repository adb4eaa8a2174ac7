import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../tests/support/browser.js';
import { cookieFor, startLiveHost, type LiveHost } from '../tests/support/live-host.js';
import { childProcesses } from '../tests/support/processes.js';
import {
  cpuMeter,
  machineCpuMeter,
  measureEncodeStage,
  processTree,
  startReferenceStreamer,
  summarise,
  trafficMeter,
  type Summary,
} from './live-measure.js';
import {
  freezes,
  LIVE_FRAME_MS,
  samplerScript,
  STAGE_NAMES,
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
const FANOUT_VIEWERS = QUICK ? 5 : 25;
/**
 * `BENCH_PARTS=first,bare`: only these parts (bare: 1 viewer on the bare veth, all paths; home: the home link;
 * first: first frames; fanout: Janus CPU and every viewer's delay with many viewers). Default: all of them.
 */
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'bare,home,first,fanout').split(','));

type PathName = 'WebRTC' | 'MJPEG' | 'HLS';
interface PathResult {
  latency: Summary;
  mbitPerViewer: number;
  cpuPercent: number;
  /** Per stage (STAGE_NAMES), WebRTC only: the delay summary over every frame of every viewer. */
  stages: Summary[];
  /** Presentation gaps over FREEZE_MS, summed over viewers, and the longest gap seen (ms). */
  freezes: { count: number; longestMs: number };
  /** Each viewer's own p95 (ms), in page order. */
  viewerP95: number[];
  /** Each run's own summary, in order. */
  runs: Summary[];
}
interface PageSamples {
  samples: number[];
  stages: [number, number, number][];
  presented: [number, number][];
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
  const perPage = await Promise.all(
    pages.map((page) =>
      page.evaluate<PageSamples>(
        '({ samples: window.__samples, stages: window.__stages, presented: window.__presented })',
      ),
    ),
  );
  await Promise.all(pages.map((page) => page.close()));
  return { perPage, mbit, cpuPercent };
}

/** Folds the pages of one or more runs into one path result. */
function pathResult(runs: Awaited<ReturnType<typeof measure>>[]): PathResult {
  const pages = runs.flatMap((run) => run.perPage);
  const frozen = pages.map((page) => freezes(page.presented));
  return {
    latency: summarise(pages.flatMap((page) => page.samples)),
    mbitPerViewer: runs.reduce((sum, run) => sum + run.mbit, 0) / runs.length,
    cpuPercent: runs.reduce((sum, run) => sum + run.cpuPercent, 0) / runs.length,
    stages: STAGE_NAMES.map((_, i) =>
      summarise(pages.flatMap((page) => page.stages.map((s) => s[i] ?? NaN))),
    ),
    freezes: {
      count: frozen.reduce((sum, f) => sum + f.count, 0),
      longestMs: Math.max(0, ...frozen.map((f) => f.longestMs)),
    },
    viewerP95: pages.map((page) => summarise(page.samples).p95),
    runs: runs.map((run) => summarise(run.perPage.flatMap((page) => page.samples))),
  };
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
    const each: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < runs; i++) {
      progress(`${name}: run ${i + 1} of ${runs}, ${viewers} viewer(s)`);
      const result = await run();
      each.push(result);
      const p = summarise(result.perPage.flatMap((page) => page.samples));
      progress(`${name}: run ${i + 1}: p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms`);
    }
    results[name] = pathResult(each);
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
async function firstFrames(): Promise<{
  first: Summary;
  live: Summary;
  shown: Summary;
  liveShown: Summary;
  steps: string;
  playoutDelay: boolean;
  longTasksMs: number;
}> {
  let playoutDelay = true;
  const figures = { first: [], live: [], shown: [], liveShown: [], longTasks: [] } as Record<
    string,
    number[]
  >;
  const read = async (page: Page, name: string, expression: string) =>
    figures[name]?.push(await page.evaluate<number>(expression));
  const timelines: Timeline[] = [];
  for (let i = 0; i < FIRST_FRAME_LOADS; i++) {
    const page = await context.newPage();
    await page.addInitScript(timelineScript());
    await page.addInitScript(samplerScript('[data-testid="camera-video"]'));
    await page.goto(`${host.server.url}/live/${cameraId}`);
    await waitForSamples(page, 1, 30_000);
    await page.waitForFunction('window.__firstLiveMs !== null', undefined, { timeout: 30_000 });
    await read(page, 'first', 'window.__firstFrameMs');
    await read(page, 'live', 'window.__firstLiveMs');
    await read(page, 'shown', 'window.__firstShownMs');
    await read(page, 'liveShown', 'window.__firstLiveShownMs ?? window.__firstLiveMs');
    await read(page, 'longTasks', 'window.__longTasks');
    timelines.push(await page.evaluate<Timeline>('window.__timeline'));
    playoutDelay &&= await page.evaluate<boolean>('window.__playoutDelay === true');
    await page.close();
    await sleep(500);
  }
  const steps = TIMELINE_STEPS.map((step) => {
    const at = summarise(timelines.flatMap((timeline) => timeline[step] ?? [])).p50;
    return `${step} ${at.toFixed(0)}`;
  }).join(' → ');
  const of = (name: string) => summarise(figures[name] ?? []);
  return {
    first: of('first'),
    live: of('live'),
    shown: of('shown'),
    liveShown: of('liveShown'),
    steps,
    playoutDelay,
    longTasksMs: of('longTasks').p50,
  };
}

/**
 * One camera to many viewers: Janus's CPU, every viewer's own delay and the whole machine's CPU (the viewers'
 * decoders run on the same two cores here, so they, not Janus, bound what one machine can show).
 */
async function fanout(viewers: number) {
  const janusPid = childProcesses(host.server.pid).find((c) => c.cmdline.includes('janus'))?.pid ?? 0;
  const machine = machineCpuMeter();
  const result = await measure(
    `${host.server.url}/live/${cameraId}`,
    '[data-testid="camera-video"]',
    viewers,
    () => [janusPid],
  );
  return { ...pathResult([result]), machineCpu: machine() };
}

/** The server's own split of each offer (debug lines 'live offer sent'), medians over the loads since `from`. */
function offerSplit(from: number): string {
  const lines = host.server
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => line.includes('"live offer sent"'))
    .map((line) => JSON.parse(line) as { checkMs: number; attachMs: number; watchMs: number });
  const at = (key: 'checkMs' | 'attachMs' | 'watchMs') => median(lines.map((l) => l[key])).toFixed(0);
  return `server side of each offer (${lines.length}): checks ${at('checkMs')} ms, handle ${at('attachMs')} ms, Janus "watch" ${at('watchMs')} ms`;
}

beforeAll(async () => {
  // The server logs where each offer's time goes at debug level (offerSplit).
  process.env['VIGIL_LOG_LEVEL'] = 'debug';
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
const median = (values: readonly number[]) => summarise(values).p50;
const runFigures = (runs: readonly Summary[]) =>
  runs.map((r) => `${r.p50.toFixed(0)}/${r.p95.toFixed(0)}`).join(', ');

function table(title: string, results: Record<PathName, PathResult>): string {
  const base = results.WebRTC;
  const rows = (Object.entries(results) as [PathName, PathResult][]).map(
    ([name, r]) =>
      `${name.padEnd(7)} p50 ${ms(r.latency.p50)} (${ratio(r.latency.p50, base.latency.p50)})  p95 ${ms(r.latency.p95)} (${ratio(r.latency.p95, base.latency.p95)})  max ${ms(r.latency.max)}  ` +
      `${r.latency.n} frames  ${r.mbitPerViewer.toFixed(2)} Mbit/s per viewer (${ratio(r.mbitPerViewer, base.mbitPerViewer)})  ` +
      `server CPU ${r.cpuPercent.toFixed(0)} % (${ratio(r.cpuPercent, base.cpuPercent)})  runs p50/p95: ${runFigures(r.runs)}  ` +
      `freezes > 500 ms: ${r.freezes.count} (longest gap ${r.freezes.longestMs.toFixed(0)} ms)`,
  );
  return [title, ...rows].join('\n');
}

/** Where a WebRTC frame's delay goes: the camera side from encode-stage.ts, the rest from the browser's metadata. */
function stageLines(webrtc: PathResult, camera: { drawMs: number[]; encodeMs: number[] }): string[] {
  const [received, presented, shown] = webrtc.stages as [Summary, Summary, Summary];
  const draw = summarise(camera.drawMs);
  const encode = summarise(camera.encodeMs);
  const network = received.p50 - draw.p50 - encode.p50;
  const rows: [string, number, number][] = [
    ['capture → frame pushed (the test camera draws it)', draw.p50, draw.p95],
    ['pushed → last RTP packet out (x264 + payload, own process)', encode.p50, encode.p95],
    ['RTP out → last packet in the browser (Janus + veth), by difference', network, NaN],
    ['received → presented (jitter buffer + decode)', presented.p50, presented.p95],
    ['presented → on screen (compositor, 60 Hz)', shown.p50, shown.p95],
  ];
  const total = received.p50 + presented.p50 + shown.p50;
  return [
    'Glass to glass by stage, bare veth, 1 viewer (p50 / p95, ms):',
    ...rows.map(
      ([name, p50, p95]) =>
        `  ${name.padEnd(66)} ${p50.toFixed(1).padStart(6)} / ${Number.isNaN(p95) ? '   –' : p95.toFixed(1)}`,
    ),
    `  sum of stages ${total.toFixed(1)} ms against the measured p50 ${webrtc.latency.p50.toFixed(0)} ms (the sampler reads pixels after the frame is shown)`,
    `  the camera side (draw + encode) is ${(((draw.p50 + encode.p50) / webrtc.latency.p50) * 100).toFixed(0)} % of the delay; Janus and the network ${((network / webrtc.latency.p50) * 100).toFixed(0)} %; the browser ${(((presented.p50 + shown.p50) / webrtc.latency.p50) * 100).toFixed(0)} %`,
  ];
}

it('measures live delay: WebRTC against MJPEG and HLS, stages, first frame, fan-out', async () => {
  const lines: string[] = [''];
  if (PARTS.has('bare')) {
    const bare = await comparePaths(1, RUNS);
    progress('camera-side stages');
    const camera = await measureEncodeStage(SIZE, QUICK ? 90 : 300);
    lines.push(
      table(`Bare veth, 1 viewer, ${RUNS} runs (ratios against WebRTC):`, bare),
      '',
      ...stageLines(bare.WebRTC, camera),
      '',
    );
    expect(bare.WebRTC.latency.n).toBeGreaterThanOrEqual(RUNS * FRAMES);
  }
  if (PARTS.has('home')) {
    // The same viewers over the bare veth first: what the link itself adds is the difference.
    progress(`WebRTC: ${HOME_VIEWERS} viewers on the bare veth`);
    const unshaped = pathResult([
      await measure(`${host.server.url}/live/${cameraId}`, '[data-testid="camera-video"]', HOME_VIEWERS, () =>
        processTree(host.server.pid),
      ),
    ]);
    await host.netns.shape(HOME_LINK);
    const home = await comparePaths(HOME_VIEWERS, 1);
    await host.netns.shape({});
    lines.push(
      `${HOME_VIEWERS} WebRTC viewers on the bare veth, same run (the machine's share): p50 ${ms(unshaped.latency.p50)}  p95 ${ms(unshaped.latency.p95)}  freezes > 500 ms: ${unshaped.freezes.count} (longest gap ${unshaped.freezes.longestMs.toFixed(0)} ms)`,
      table(
        `Home link (${HOME_LINK.rateMbit} Mbit/s tbf, ${HOME_LINK.lossPct} % loss; no delay: no sch_netem), ${HOME_VIEWERS} viewers:`,
        home,
      ),
      '',
    );
  }
  if (PARTS.has('first')) {
    const runs: Awaited<ReturnType<typeof firstFrames>>[] = [];
    const from = host.server.output().length;
    for (let run = 1; run <= RUNS; run++) {
      progress(`first frames: run ${run} of ${RUNS}`);
      runs.push(await firstFrames());
    }
    const split = offerSplit(from);
    lines.push(
      `First frame after page load (${FIRST_FRAME_LOADS} loads per run): p50 ${ms(median(runs.map((r) => r.first.p50)))} (median of runs: ${runs.map((r) => r.first.p50.toFixed(0)).join(', ')})  p95 ${runs.map((r) => r.first.p95.toFixed(0)).join(', ')}`,
      ...runs.map(
        (r, i) =>
          `  run ${i + 1}, medians on the way, ms from navigation start: ${r.steps} → stamped frame ${r.first.p50.toFixed(0)}; main thread in long tasks before video data ${r.longTasksMs.toFixed(0)} ms`,
      ),
      `First live frame (at most ${LIVE_FRAME_MS} ms old): p50 ${ms(median(runs.map((r) => r.live.p50)))} (runs: ${runs.map((r) => r.live.p50.toFixed(0)).join(', ')})`,
      `The same, by when the frame was due on screen (requestVideoFrameCallback's expectedDisplayTime; the page's script reads it later while the app boots): first frame p50 ${ms(median(runs.map((r) => r.shown.p50)))} (runs: ${runs.map((r) => r.shown.p50.toFixed(0)).join(', ')}), first live frame p50 ${ms(median(runs.map((r) => r.liveShown.p50)))} (runs: ${runs.map((r) => r.liveShown.p50.toFixed(0)).join(', ')})`,
      `  ${split}`,
      `Playout delay (zero smoothing) negotiated on every load: ${runs.every((r) => r.playoutDelay) ? 'yes' : 'no'}`,
      '',
    );
  }
  if (PARTS.has('fanout')) {
    progress('fan-out: 1 viewer');
    const one = await fanout(1);
    progress(`fan-out: ${FANOUT_VIEWERS} viewers`);
    const many = await fanout(FANOUT_VIEWERS);
    // A viewer whose page got no picture within the run's limit has no p95 of its own; it is counted apart.
    const shown = many.viewerP95.filter((p95) => !Number.isNaN(p95));
    const worst = Math.max(...shown);
    lines.push(
      `Fan-out, one camera: 1 viewer p95 ${ms(one.latency.p95)}, Janus ${one.cpuPercent.toFixed(1)} % of a core, machine ${one.machineCpu.toFixed(0)} %`,
      `  ${FANOUT_VIEWERS} viewers: Janus ${many.cpuPercent.toFixed(1)} % of a core (${(many.cpuPercent / Math.max(one.cpuPercent, 0.1)).toFixed(1)}×), machine ${many.machineCpu.toFixed(0)} % of both cores, ` +
        `${shown.length} of ${FANOUT_VIEWERS} viewers with pictures, their p95 ${Math.min(...shown).toFixed(0)}–${worst.toFixed(0)} ms (worst − single ${(worst - one.latency.p95).toFixed(0)} ms), p50 over all ${ms(many.latency.p50)}, freezes ${many.freezes.count}`,
      '',
    );
  }
  console.log(lines.join('\n'));
});

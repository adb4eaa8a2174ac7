import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import WebSocket from 'ws';
import { samplePicture } from '../tests/inference/fixtures.js';
import { launchChromium } from '../tests/support/browser.js';
import { makePersonPicture } from '../tests/support/clips.js';
import { cookieFor, startLiveHost, type LiveHost } from '../tests/support/live-host.js';
import { cpuMeter, machineCpuMeter, processTree, summarise, type Summary } from './live-measure.js';
import { startSceneCamera, type SceneCamera } from '../tests/support/scene-camera.js';

/**
 * `npm run bench:detect` (second part): detection through the whole product, on the built server in its test
 * host. (1) Motion onset to event: a camera's scene gets a person at a known instant (tests/support/scene-camera.py);
 * how long until the first analysed frame with motion is pushed, the event's start arrives on /api/ws, and the
 * API lists the stored event. (2) How many cameras fit: 1–4 cameras whose picture always moves (so every
 * analysed frame runs the detector), a Chromium page watching them all live; the machine's CPU with detection
 * on against the same cameras live-only (the baseline, measured in the same run).
 */
const QUICK = process.env['BENCH_QUICK'] === '1';
const TRIALS = QUICK ? 3 : 15;
const MEASURE_MS = QUICK ? 6_000 : 15_000;

let host: LiveHost;
let scene: SceneCamera;
let socket: WebSocket;
let browser: Browser | undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Push {
  at: number;
  topic: string;
  data: {
    phase?: string;
    stored?: boolean;
    event?: { id: number | null; label: string };
    cameraId?: number;
    motion?: boolean;
    objects?: unknown[];
    capturedAt?: number;
  };
}
const pushes: Push[] = [];

async function waitFor<T>(
  find: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

beforeAll(async () => {
  host = await startLiveHost({
    VIGIL_VAULT: `dir:${mkdtempSync(path.join(tmpdir(), 'vigil-bench-vault-'))}`,
    VIGIL_ALLOW_INSECURE_VAULT: '1',
  });
  const photo = path.join(host.server.dataDir, 'person.jpg');
  await makePersonPicture(await samplePicture('samples.jpg'), photo);
  scene = await startSceneCamera(host.netns.exec, photo);
  socket = new WebSocket(host.server.url.replace(/^http/, 'ws') + '/api/ws', {
    headers: { cookie: host.cookie, origin: host.server.url },
  });
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as { type: string; topic?: string; data?: Push['data'] };
    if (message.type === 'event' && message.topic && message.data)
      pushes.push({ at: Date.now(), topic: message.topic, data: message.data });
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  socket.close();
  scene.stop();
  await host.stop();
});

const eventPush = (after: number, phase: string) =>
  pushes.find(
    (p) =>
      p.at >= after && p.topic === 'events' && p.data.phase === phase && p.data.event?.label === 'person',
  );

it('measures motion onset → event pushed and stored, through the whole chain', async () => {
  const created = await host.api('POST', '/api/cameras', {
    name: 'Hall',
    kind: 'rtsp',
    url: scene.url('/scene'),
    detect: true,
  });
  if (created.status !== 201) throw new Error(`camera: ${JSON.stringify(created.body)}`);
  const cameraId = (created.body as { id: number }).id;
  // A still scene pushes nothing: wait until the camera sends frames for analysis (a rate over the last second).
  await waitFor(
    async () => {
      const camera = (await host.api('GET', `/api/cameras/${cameraId}`)).body as {
        analysis: { sent: number } | null;
      };
      return (camera.analysis?.sent ?? 0) > 0 ? true : undefined;
    },
    30_000,
    'frames sent for analysis',
  );
  const samples = {
    captured: [] as number[],
    motion: [] as number[],
    ws: [] as number[],
    stored: [] as number[],
  };
  // The first appearance warms the worker (first detector runs allocate); it is not counted.
  for (let trial = -1; trial < TRIALS; trial++) {
    await sleep(2_500);
    const shownAt = await scene.set(true);
    const start = await waitFor(() => eventPush(shownAt, 'start'), 10_000, 'the event start').catch(
      (error: unknown) => {
        const seen = pushes
          .filter((p) => p.at >= shownAt)
          .map((p) => `${p.topic}:${JSON.stringify(p.data).slice(0, 160)}`);
        console.log(`after show: ${seen.length} pushes\n${seen.slice(0, 30).join('\n')}`);
        throw error;
      },
    );
    // The first analysed frame that saw it (motion, or the person after a whole-picture change).
    const motion = pushes.find(
      (p) =>
        p.at >= shownAt &&
        p.topic === 'detections' &&
        p.data.cameraId === cameraId &&
        (p.data.motion === true || (p.data.objects?.length ?? 0) > 0),
    );
    // A slow appearance prints what was pushed meanwhile (motion frames, boxes), to show where the time went.
    if (start.at - shownAt > 1_500)
      console.log(
        `slow appearance (${start.at - shownAt} ms, shown at ${shownAt}):\n` +
          pushes
            .filter((p) => p.at >= shownAt && p.at <= start.at && p.data.cameraId === cameraId)
            .map(
              (p) =>
                `  +${p.at - shownAt} ms ${p.topic} captured +${(p.data.capturedAt ?? p.at) - shownAt} ms ` +
                `motion ${String(p.data.motion)} confirmed objects ${p.data.objects?.length ?? 0}`,
            )
            .join('\n'),
      );
    const id = start.data.event?.id;
    const listedAt = await waitFor(
      async () => {
        const page = (await host.api('GET', `/api/events?camera=${cameraId}&limit=1`)).body as {
          events: { id: number }[];
        };
        return page.events[0]?.id === id ? Date.now() : undefined;
      },
      10_000,
      'the stored event',
    );
    if (trial >= 0) {
      if (motion) {
        samples.captured.push((motion.data.capturedAt ?? motion.at) - shownAt);
        samples.motion.push(motion.at - shownAt);
      }
      samples.ws.push(start.at - shownAt);
      samples.stored.push(listedAt - shownAt);
    }
    const hiddenAt = await scene.set(false);
    await waitFor(() => eventPush(hiddenAt, 'end'), 15_000, 'the event end');
  }
  // How far the live overlay's boxes trail the frame they belong to: capture → the push reaching a client.
  const lag = pushes
    .filter(
      (p) => p.topic === 'detections' && p.data.cameraId === cameraId && (p.data.objects?.length ?? 0) > 0,
    )
    .map((p) => p.at - (p.data.capturedAt ?? p.at));
  const fmt = (s: Summary) =>
    `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;
  console.log(
    `\nMotion onset → event, ${TRIALS} appearances of a person on an RTSP camera (640 × 360, 15 fps; analysis 5 fps, idle 2 fps):\n` +
      `  that frame taken from the pipeline       ${fmt(summarise(samples.captured))}\n` +
      `  first analysed frame with motion pushed  ${fmt(summarise(samples.motion))}\n` +
      `  event start on /api/ws                   ${fmt(summarise(samples.ws))}\n` +
      `  event listed by GET /api/events (stored) ${fmt(summarise(samples.stored))}\n` +
      `Live overlay: frame captured → its boxes pushed to a client, ${lag.length} frames with objects: ${fmt(summarise(lag))}\n`,
  );
  await host.api('DELETE', `/api/cameras/${cameraId}`);
}, 600_000);

it('measures how many always-moving cameras fit with detection on and live view open', async () => {
  browser = await launchChromium([host.netns.nsIp]);
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  await context.addCookies([cookieFor(host, host.cookie)]);
  const page = await context.newPage();
  // Only the busy cameras from here on.
  for (const camera of (await host.api('GET', '/api/cameras')).body as { id: number }[])
    await host.api('DELETE', `/api/cameras/${camera.id}`);
  const ids: number[] = [];
  const lines: string[] = [];
  const serverTree = () => processTree(host.server.pid);
  const sceneTree = () => processTree(scene.pid);

  async function measure(detect: boolean) {
    for (const id of ids) await host.api('PATCH', `/api/cameras/${id}`, { detect });
    await page.goto(`${host.server.url}/live`);
    await waitFor(
      async () =>
        (await page.locator('[data-testid="camera-tile"][data-status="live"]').count()) === ids.length
          ? true
          : undefined,
      30_000,
      'every tile live',
    );
    await sleep(QUICK ? 3_000 : 8_000);
    const machine = machineCpuMeter();
    const server = cpuMeter(serverTree);
    const camera = cpuMeter(sceneTree);
    const from = Date.now();
    await sleep(MEASURE_MS);
    const seconds = (Date.now() - from) / 1000;
    const analysed = ids.map(
      (id) =>
        pushes.filter((p) => p.at >= from && p.topic === 'detections' && p.data.cameraId === id).length /
        seconds,
    );
    return { machine: machine(), server: server(), camera: camera(), analysed };
  }

  for (let n = 1; n <= 4; n++) {
    const made = await host.api('POST', '/api/cameras', {
      name: `Busy ${n}`,
      kind: 'rtsp',
      url: scene.url('/busy'),
    });
    ids.push((made.body as { id: number }).id);
    const live = await measure(false);
    const detecting = await measure(true);
    // The test camera's encoder runs on this machine; a real camera encodes on its own.
    const withoutCamera = (r: typeof live) => r.machine - r.camera / 2;
    const fps = detecting.analysed.map((f) => f.toFixed(1)).join(', ');
    lines.push(
      `  ${n} camera${n === 1 ? ' ' : 's'}: live only ${live.machine.toFixed(0)} % of the machine (${withoutCamera(live).toFixed(0)} % without the test camera's encoder); ` +
        `detection on ${detecting.machine.toFixed(0)} % (${withoutCamera(detecting).toFixed(0)} %), ${(detecting.machine / Math.max(live.machine, 1)).toFixed(2)}× live only; ` +
        `Vigil's processes ${detecting.server.toFixed(0)} % of a core; analysed fps per camera ${fps}`,
    );
  }
  console.log(
    `\nCameras whose picture always moves (every analysed frame runs centernet), Chromium watching all live, 2 cores:\n${lines.join('\n')}\n`,
  );
}, 900_000);

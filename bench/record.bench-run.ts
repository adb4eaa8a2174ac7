import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeStamp } from '../media/test-pattern/stamp.js';
import { startLiveHost, type LiveHost } from '../tests/support/live-host.js';
import { startRtspServer, type RtspServer } from '../tests/support/rtsp-server.js';
import { decodeSegment } from '../tests/support/ts-segments.js';
import { machineCpuMeter, summarise, type Summary } from './live-measure.js';
import {
  containerRatio,
  cpuLines,
  type Connection,
  type KeptSegment,
  type PhaseCpu,
} from './record-figures.js';
import {
  cameraOfWorker,
  CLIP,
  elsewhereCpu,
  ensureClip,
  hasEncoderMapped,
  machineLine,
  perProcessCpu,
  perThreadCpu,
  segmentFiles,
  tcpReceived,
  vigilProcesses,
  writeBytes,
  type Role,
} from './record-measure.js';

/**
 * `npm run bench:record` (with record-retention.bench-run.ts): what recording costs. Four 1080p30 H.264 RTSP
 * cameras (gst-rtsp-server sending a pre-encoded clip in a loop, passed through by Vigil) are measured live-only
 * (recording off) and recording `continuous`, in turns, in the same run: CPU of the server and its camera
 * workers per camera; that no worker re-encodes; bytes written to disk against bytes received from the cameras
 * (write amplification). Then a stamped test camera: capture of a segment's first frame → its row listed by
 * /api/recordings and its playlist entry fetchable. Prints every figure; record them in bench/RESULTS.md.
 */
const QUICK = process.env['BENCH_QUICK'] === '1';
const CAMERAS = 4;
const ROUNDS = QUICK ? 1 : 3;
const MEASURE_MS = QUICK ? 8_000 : 30_000;
const SETTLE_MS = QUICK ? 3_000 : 8_000;
const SAMPLE_MS = 500;
const PLAYABLE_SEGMENTS = QUICK ? 3 : 8;
/** The defaults (recording-settings.ts DEFAULT_RECORDING), said out loud. */
const RECORDING = { preRollSeconds: 10, postRollSeconds: 10, segmentSeconds: 4 };
const STAMPED = { width: 640, height: 360, fps: 15 };

let host: LiveHost;
let rtsp: RtspServer;
let clip = '';
let work = '';
let vaultDir = '';
const ids: number[] = [];
/** Recording workers' RTSP connections, by `<pid> <local address>`. */
const connections = new Map<string, Connection>();
let sampling = true;
let sampler: Promise<void> = Promise.resolve();
const phases: (PhaseCpu & Disk & Codecs)[] = [];

interface Disk {
  /** Server write_bytes over the window, and the segment files whose last write fell inside it. */
  written: number;
  fileBytes: number;
  files: number;
}
interface Codecs {
  transcoded: number;
  encoders: number;
  codecs: string;
}
interface CameraView {
  id: number;
  status: string;
  codec: string | null;
  transcoded: boolean;
  recording: { state: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (message: string) =>
  process.stderr.write(`[bench:record ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function waitFor<T>(find: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const cameraViews = async (): Promise<CameraView[]> =>
  Promise.all(ids.map(async (id) => (await host.api('GET', `/api/cameras/${id}`)).body as CameraView));

const get = (url: string) => fetch(`${host.server.url}${url}`, { headers: { cookie: host.cookie } });

async function setMode(mode: PhaseCpu['mode']): Promise<void> {
  for (const id of ids) {
    const put = await host.api('PUT', `/api/cameras/${id}/recording`, { mode, ...RECORDING });
    if (put.status !== 200) throw new Error(`recording settings: ${JSON.stringify(put.body)}`);
  }
}

/** Every camera live in the mode, one worker each (turning recording on or off restarts the workers). */
const settled = (mode: PhaseCpu['mode']) =>
  waitFor(
    async () => {
      const views = await cameraViews();
      const state = mode === 'off' ? 'off' : 'recording';
      const workers = vigilProcesses(host.server.pid).filter((p) => p.role === 'worker');
      const ready = views.every((v) => v.status === 'live' && v.recording.state === state);
      return ready && workers.length === CAMERAS ? true : undefined;
    },
    60_000,
    `every camera live with recording ${mode}`,
  );

/** Samples every camera connection's bytes_received; a worker counts once it has a segment file open. */
async function sampleConnections(): Promise<void> {
  while (sampling) {
    const before = Date.now();
    const found = await tcpReceived(host.netns.exec, rtsp.port).catch(() => []);
    const at = (before + Date.now()) / 2;
    for (const { pid, local, bytes } of found) {
      const key = `${pid} ${local}`;
      let connection = connections.get(key);
      if (!connection) {
        const cameraId = cameraOfWorker(pid);
        if (cameraId === null) continue; // live-only, or no segment open yet
        connection = { cameraId, series: [] };
        connections.set(key, connection);
      }
      connection.series.push([at, bytes]);
    }
    await sleep(SAMPLE_MS);
  }
}

async function measurePhase(mode: PhaseCpu['mode'], round: number): Promise<void> {
  progress(`round ${round} of ${ROUNDS}: recording ${mode}`);
  await setMode(mode);
  await settled(mode);
  await sleep(SETTLE_MS);
  const processes = vigilProcesses(host.server.pid);
  const cpu = perProcessCpu([...processes.map((p) => p.pid), rtsp.pid]);
  const workers = processes.filter((p) => p.role === 'worker');
  const threads = perThreadCpu(workers.map((p) => p.pid));
  const serverThreads = perThreadCpu([host.server.pid]);
  const elsewhere = elsewhereCpu(
    () => new Set([...vigilProcesses(host.server.pid).map((p) => p.pid), rtsp.pid]),
  );
  const machine = machineCpuMeter();
  const from = Date.now();
  const written = writeBytes(host.server.pid);
  await sleep(MEASURE_MS);
  const writtenAfter = writeBytes(host.server.pid);
  const to = Date.now();
  const { percent, lost } = cpu();
  const machinePercent = machine();
  const byThread = threads();
  const byServerThread = serverThreads();
  const others = elsewhere();
  const of = (role: Role) =>
    processes.filter((p) => p.role === role).reduce((sum, p) => sum + (percent.get(p.pid) ?? 0), 0);
  const files = segmentFiles(path.join(vaultDir, 'recordings')).filter(
    (f) => f.mtimeMs >= from && f.mtimeMs <= to,
  );
  const views = await cameraViews();
  phases.push({
    threads: byThread,
    serverThreads: byServerThread,
    elsewhere: others,
    mode,
    server: of('server'),
    workers: of('worker'),
    janus: of('janus'),
    other: of('other'),
    cameras: percent.get(rtsp.pid) ?? NaN,
    machine: machinePercent,
    seconds: (to - from) / 1000,
    lost: lost.length,
    written: writtenAfter - written,
    fileBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files: files.length,
    transcoded: views.filter((v) => v.transcoded).length,
    encoders: workers.filter((p) => hasEncoderMapped(p.pid)).length,
    codecs: [...new Set(views.map((v) => v.codec ?? 'none'))].join(', '),
  });
}

async function keptSegments(cameraId: number, from: number): Promise<KeptSegment[]> {
  const answer = await host.api(
    'GET',
    `/api/recordings?camera=${cameraId}&from=${from}&to=${Date.now() + 60_000}`,
  );
  return answer.status === 200 ? (answer.body as { segments: KeptSegment[] }).segments : [];
}

beforeAll(async () => {
  clip = await ensureClip();
  work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-record-'));
  vaultDir = path.join(work, 'vault');
  host = await startLiveHost({
    VIGIL_VAULT: `dir:${vaultDir}`,
    VIGIL_ALLOW_INSECURE_VAULT: '1',
    VIGIL_DETECTION: 'off',
    VIGIL_LOG_LEVEL: 'warn',
  });
  rtsp = await startRtspServer(undefined, { prefix: host.netns.exec }, { clip, fps: CLIP.fps });
  for (let n = 1; n <= CAMERAS; n++) {
    const made = await host.api('POST', '/api/cameras', {
      name: `Drive ${n}`,
      kind: 'rtsp',
      url: rtsp.url('/clip'),
    });
    if (made.status !== 201) throw new Error(`camera: ${JSON.stringify(made.body)}`);
    ids.push((made.body as { id: number }).id);
  }
  sampler = sampleConnections();
}, 180_000);

afterAll(async () => {
  sampling = false;
  await sampler;
  await rtsp.stop();
  await host.stop();
  rmSync(work, { recursive: true, force: true });
});

it('measures recording 4 × 1080p30 H.264 passthrough against live-only: CPU, re-encodes, write amplification', async () => {
  const startedAt = Date.now();
  for (let round = 1; round <= ROUNDS; round++) {
    await measurePhase('off', round);
    await measurePhase('continuous', round);
  }
  const segments = new Map<number, KeptSegment[]>();
  for (const id of ids) segments.set(id, await keptSegments(id, startedAt));
  const container = containerRatio(segments, [...connections.values()]);
  const recording = phases.filter((p) => p.mode === 'continuous');
  const written = recording.reduce((sum, p) => sum + p.written, 0);
  const fileBytes = recording.reduce((sum, p) => sum + p.fileBytes, 0);
  const clipRate = statSync(clip).size / CLIP.seconds;
  const perSecond = (bytes: number) => bytes / Math.max(container.seconds, 0.001);
  const kbit = (bytesPerSecond: number) => `${((bytesPerSecond * 8) / 1000).toFixed(0)} kbit/s`;
  const lines = [
    '',
    `Machine: ${machineLine()}. ${CAMERAS} cameras, ${CLIP.width}×${CLIP.height} ${CLIP.fps} fps H.264 over RTSP/TCP ` +
      `(clip ${kbit(clipRate)}, a keyframe a second), segments ${RECORDING.segmentSeconds} s; ${ROUNDS} rounds of ` +
      `live-only then continuous, ${MEASURE_MS / 1000} s each after ${SETTLE_MS / 1000} s to settle.`,
    ...cpuLines(phases, CAMERAS),
    `Re-encodes: ${phases.map((p) => `${p.mode} ${p.transcoded} of ${CAMERAS} transcoded (ready), ${p.encoders} workers with x264enc loaded, codec ${p.codecs}`).join('; ')}`,
    `Kept segments: ${container.segments} over ${container.seconds.toFixed(0)} s of video; RTSP bytes received for the same video ${(container.received / 1e6).toFixed(2)} MB ` +
      `, kept files ${(container.kept / 1e6).toFixed(2)} MB: ` +
      `kept ÷ received ${(container.kept / container.received).toFixed(4)}`,
    `Disk writes of the server (write_bytes) in the continuous windows ${(written / 1e6).toFixed(2)} MB against ${(fileBytes / 1e6).toFixed(2)} MB of segment files written in them ` +
      `(${recording.reduce((sum, p) => sum + p.files, 0)} files): ${(written / fileBytes).toFixed(4)}`,
    `Write amplification, disk writes ÷ RTSP bytes received: ${((container.kept / container.received) * (written / fileBytes)).toFixed(4)}`,
    `Rates against the clip's own H.264 (${kbit(clipRate)}): received ${kbit(perSecond(container.received))} (${((perSecond(container.received) / clipRate - 1) * 100).toFixed(2)} % RTSP/RTP framing), ` +
      `kept ${kbit(perSecond(container.kept))} (${((perSecond(container.kept) / clipRate - 1) * 100).toFixed(2)} % MPEG-TS)`,
    '',
  ];
  console.log(lines.join('\n'));
  expect(container.segments).toBeGreaterThan(0);
}, 600_000);

it('measures capture → segment listed and playable, on a stamped test camera while the four record', async () => {
  const made = await host.api('POST', '/api/cameras', { name: 'Stamped', kind: 'test', ...STAMPED });
  const id = (made.body as { id: number }).id;
  await host.api('PUT', `/api/cameras/${id}/recording`, { mode: 'continuous', ...RECORDING });
  const from = Date.now() - 60_000;
  const seen = new Set<number>();
  const found: { segment: KeptSegment; listedAt: number; playableAt: number; bytes: Buffer }[] = [];
  progress(`capture → playable: ${PLAYABLE_SEGMENTS} segments of a stamped camera`);
  const deadline = Date.now() + (PLAYABLE_SEGMENTS + 4) * RECORDING.segmentSeconds * 1000 + 30_000;
  // The first segment of a worker run is not counted: it starts with the pipeline.
  while (found.length < PLAYABLE_SEGMENTS + 1 && Date.now() < deadline) {
    for (const segment of await keptSegments(id, from)) {
      if (seen.has(segment.id)) continue;
      seen.add(segment.id);
      const listedAt = Date.now();
      const playlist = await (
        await get(
          `/api/recordings/playlist.m3u8?camera=${id}&from=${segment.startedAt}&to=${segment.endedAt}`,
        )
      ).text();
      const entry = `/api/recordings/${segment.id}/file`;
      if (!playlist.split('\n').includes(entry)) throw new Error(`segment ${segment.id} not in its playlist`);
      const file = await get(entry);
      const bytes = Buffer.from(await file.arrayBuffer());
      if (file.status !== 200 || bytes.length !== segment.bytes)
        throw new Error(`segment ${segment.id}: ${file.status}`);
      found.push({ segment, listedAt, playableAt: Date.now(), bytes });
    }
    await sleep(100);
  }
  // The check's positive control: the test camera's worker encodes with x264enc, the four passed through do not.
  const workers = vigilProcesses(host.server.pid).filter((p) => p.role === 'worker');
  const encoding = workers.filter((p) => hasEncoderMapped(p.pid)).length;
  const delays = {
    listed: [] as number[],
    playable: [] as number[],
    afterEnd: [] as number[],
    clock: [] as number[],
  };
  for (const { segment, listedAt, playableAt, bytes } of found.slice(1)) {
    const file = path.join(work, `${segment.id}.ts`);
    writeFileSync(file, bytes);
    const decoded = await decodeSegment(file, STAMPED.width, STAMPED.height);
    const stamp = decoded.first ? decodeStamp(decoded.first, STAMPED.width, STAMPED.height) : null;
    if (stamp === null) throw new Error(`segment ${segment.id}: no stamp in its first frame`);
    delays.listed.push(listedAt - stamp);
    delays.playable.push(playableAt - stamp);
    delays.afterEnd.push(playableAt - (stamp + segment.endedAt - segment.startedAt));
    delays.clock.push(segment.startedAt - stamp);
  }
  const fmt = (s: Summary) =>
    `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;
  console.log(
    [
      '',
      `Capture → playable, ${delays.playable.length} segments of ${RECORDING.segmentSeconds} s (test camera ${STAMPED.width}×${STAMPED.height} ${STAMPED.fps} fps, ` +
        `the four 1080p cameras recording meanwhile; /api/recordings polled every 100 ms):`,
      `  first frame's stamp → row listed by /api/recordings          ${fmt(summarise(delays.listed))}`,
      `  first frame's stamp → playlist entry fetched whole           ${fmt(summarise(delays.playable))}`,
      `  the segment's end (stamp + duration) → fetched whole         ${fmt(summarise(delays.afterEnd))}`,
      `  the row's startedAt − the first frame's stamp                ${fmt(summarise(delays.clock))}`,
      `x264enc loaded in ${encoding} of ${workers.length} workers now (the stamped test camera encodes; the four pass through)`,
      '',
    ].join('\n'),
  );
  expect(delays.playable.length).toBeGreaterThanOrEqual(PLAYABLE_SEGMENTS);
}, 300_000);

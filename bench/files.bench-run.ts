import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoot } from '../server/config.js';
import { freePort } from '../server/live/janus/free-port.js';
import { startBuiltServer, type ServerProcess } from '../tests/support/server-process.js';
import { receiveFile, sendFile } from './transfer-client.js';

/**
 * `npm run bench:files`: a 1 GiB upload (tus, one PATCH) and download through the HTTP API against `dd bs=1M
 * conv=fsync` of the same file on the same disk, page cache dropped before each side; the server's RSS growth
 * during them; a zip of 1,000 small files; listing a 100-entry folder under load next to /api/health under the
 * same load. Prints ratios; record them in bench/RESULTS.md.
 */
const GIB = 1024 ** 3;
const QUICK = process.env['BENCH_QUICK'] === '1';
const SIZE = QUICK ? 64 * 1024 ** 2 : GIB;
const LOAD_SECONDS = QUICK ? 3 : 15;
const ROUNDS = QUICK ? 1 : 3;

let work = '';
let server: ServerProcess;
let plain: { child: ChildProcess; port: number };
let cookie = '';

const dropCaches = () => {
  execFileSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3');
};
const seconds = async (task: () => Promise<unknown>) => {
  const started = performance.now();
  await task();
  return (performance.now() - started) / 1000;
};
const rssBytes = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Samples the server's RSS every 50 ms while `task` runs; answers the growth over the starting value. */
async function rssGrowth(pid: number, task: () => Promise<unknown>): Promise<number> {
  const start = rssBytes(pid);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
  try {
    await task();
  } finally {
    clearInterval(timer);
  }
  return peak - start;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-files-'));
  server = await startBuiltServer({
    VIGIL_VAULT: `dir:${path.join(work, 'vault')}`,
    VIGIL_ALLOW_INSECURE_VAULT: '1',
    VIGIL_LOG_LEVEL: 'warn',
  });
  const json = { 'content-type': 'application/json' };
  const admin = { username: 'bench', password: 'bench password 2026' };
  await fetch(`${server.url}/api/setup`, { method: 'POST', headers: json, body: JSON.stringify(admin) });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(admin),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  // Incompressible content, written once.
  execFileSync('dd', [
    'if=/dev/urandom',
    `of=${path.join(work, 'source.bin')}`,
    'bs=1M',
    `count=${SIZE / 1024 ** 2}`,
    'status=none',
  ]);
  const port = await freePort();
  const plainDir = path.join(work, 'plain');
  mkdirSync(plainDir);
  const script = path.join(appRoot(), 'bench/plain-node-server.ts');
  const child = spawn(process.execPath, [script, plainDir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout, 'data');
  plain = { child, port };
}, 300_000);

afterAll(async () => {
  plain.child.kill();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

async function upload(file: string, name: string, size = SIZE) {
  const metadata = `filename ${Buffer.from(name).toString('base64')},path ${Buffer.from('/').toString('base64')}`;
  const created = await fetch(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': metadata },
  });
  if (created.status !== 201) throw new Error(`tus create ${created.status}`);
  const location = new URL(created.headers.get('location') ?? '', server.url).href;
  const patched = await sendFile(location, {
    method: 'PATCH',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': String(size),
    },
    file,
    size,
  });
  if (patched.status !== 204) throw new Error(`tus patch ${patched.status}`);
}

async function download(name: string, target: string, size = SIZE) {
  const { hostname, port } = new URL(server.url);
  const received = await receiveFile(
    hostname,
    Number(port),
    `/api/files/download?path=/${name}`,
    { cookie },
    target,
  );
  if (received.status !== 200 || received.bytes !== size)
    throw new Error(`download ${received.status}, ${received.bytes} bytes`);
}

/** The same transfers against bench/plain-node-server.ts, the platform's own ceiling. */
async function plainUpload(file: string) {
  const sent = await sendFile(`http://127.0.0.1:${plain.port}/`, {
    method: 'PUT',
    headers: { 'content-length': String(SIZE) },
    file,
    size: SIZE,
  });
  if (sent.status !== 204) throw new Error(`plain upload ${sent.status}`);
}

async function plainDownload(target: string) {
  const received = await receiveFile('127.0.0.1', plain.port, '/', {}, target);
  if (received.status !== 200 || received.bytes !== SIZE)
    throw new Error(`plain download ${received.status}, ${received.bytes} bytes`);
}

async function load(url: string) {
  const result = await autocannon({ url, connections: 16, duration: LOAD_SECONDS, headers: { cookie } });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

it('measures file transfer, zip and listing against their baselines', async () => {
  const source = path.join(work, 'source.bin');
  const mb = SIZE / 1024 ** 2;
  // This machine's disk is virtual and noisy (the same dd ranges 230–960 MB/s): the sides take turns, ROUNDS
  // times, and the medians are compared.
  const times = {
    dd: [] as number[],
    plainUp: [] as number[],
    up: [] as number[],
    plainDown: [] as number[],
    down: [] as number[],
  };
  let uploadRss = 0;
  let downloadRss = 0;
  let plainUploadRss = 0;
  // One small transfer each way first: the server's first upload and download load their code, which is not
  // what the RSS growth of a 1 GiB transfer is meant to show.
  const warm = path.join(work, 'warm.bin');
  execFileSync('dd', ['if=/dev/urandom', `of=${warm}`, 'bs=1M', 'count=16', 'status=none']);
  await upload(warm, 'warm.bin', 16 * 1024 ** 2);
  await download('warm.bin', path.join(work, 'warm-down.bin'), 16 * 1024 ** 2);
  const target = path.join(work, 'downloaded.bin');
  /** Drops the page cache, then times one side into `into`. */
  const side = async (into: number[], task: () => Promise<unknown>) => {
    dropCaches();
    const took = await seconds(task);
    into.push(took);
    return took;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const copy = path.join(work, 'dd-copy.bin');
    await side(times.dd, async () =>
      execFileSync('dd', [`if=${source}`, `of=${copy}`, 'bs=1M', 'conv=fsync', 'status=none']),
    );
    rmSync(copy);
    plainUploadRss = Math.max(
      plainUploadRss,
      await rssGrowth(plain.child.pid ?? 0, () => side(times.plainUp, () => plainUpload(source))),
    );
    const name = `big-${round}.bin`;
    uploadRss = Math.max(
      uploadRss,
      await rssGrowth(server.pid, () => side(times.up, () => upload(source, name))),
    );
    await side(times.plainDown, () => plainDownload(target));
    rmSync(target);
    downloadRss = Math.max(
      downloadRss,
      await rssGrowth(server.pid, () => side(times.down, () => download(name, target))),
    );
    if (round === 0) expect(readFileSync(target).equals(readFileSync(source))).toBe(true);
    rmSync(target);
    rmSync(path.join(work, 'vault', 'files', name));
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const ddWrite = median(times.dd);

  const small = path.join(work, 'vault', 'files', 'small');
  const listing = path.join(work, 'vault', 'files', 'hundred');
  mkdirSync(small);
  mkdirSync(listing);
  for (let i = 0; i < 1000; i++)
    writeFileSync(path.join(small, `note-${i}.txt`), `small file ${i}\n`.repeat(20));
  for (let i = 0; i < 100; i++) writeFileSync(path.join(listing, `entry-${i}.txt`), 'x');
  let zipBytes = 0;
  const zipSeconds = await seconds(async () => {
    const response = await fetch(`${server.url}/api/files/zip?path=/small`, { headers: { cookie } });
    zipBytes = (await response.arrayBuffer()).byteLength;
  });

  const health = await load(`${server.url}/api/health`);
  const list = await load(`${server.url}/api/files?path=/hundred`);

  const rate = (s: number) => `${(mb / s).toFixed(0)} MB/s`;
  const transferLine = (label: string, rounds: number[], dd: number, plain?: number) => {
    const took = median(rounds);
    const vsPlain = plain === undefined ? '' : `, ${(plain / took).toFixed(2)}× plain Node`;
    return `  ${label}  ${rate(took)}  (${(dd / took).toFixed(2)}× dd${vsPlain}; rounds: ${rounds.map(rate).join(', ')})`;
  };
  console.log(
    [
      '',
      `${mb} MiB, page cache dropped before each side, median of ${ROUNDS} rounds:`,
      `  dd bs=1M conv=fsync   ${rate(ddWrite)}  (rounds: ${times.dd.map(rate).join(', ')})`,
      transferLine('upload, plain Node ', times.plainUp, ddWrite) +
        `  its RSS +${(plainUploadRss / 1024 ** 2).toFixed(1)} MB`,
      transferLine('upload (tus), Vigil', times.up, ddWrite, median(times.plainUp)) +
        `  server RSS +${(uploadRss / 1024 ** 2).toFixed(1)} MB`,
      transferLine('download, plain Node', times.plainDown, ddWrite),
      transferLine('download, Vigil    ', times.down, ddWrite, median(times.plainDown)) +
        `  server RSS +${(downloadRss / 1024 ** 2).toFixed(1)} MB`,
      `zip of 1,000 small files: ${(zipSeconds * 1000).toFixed(0)} ms, ${(zipBytes / 1024).toFixed(0)} KiB`,
      `under load (16 connections, ${LOAD_SECONDS} s):`,
      `  /api/health           ${health.rps.toFixed(0)} req/s  p99 ${health.p99} ms  errors ${health.errors}`,
      `  list of 100 entries   ${list.rps.toFixed(0)} req/s  p99 ${list.p99} ms  errors ${list.errors}  (${(list.rps / health.rps).toFixed(2)}× health)`,
      '',
    ].join('\n'),
  );
  expect(list.errors).toBe(0);
});

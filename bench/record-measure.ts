import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { appRoot } from '../server/config.js';
import { processTree } from './live-measure.js';

/** Figures for the recording bench: the camera clip, CPU per process, TCP bytes per camera, disk writes. */

const run = promisify(execFile);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The camera every recording camera of the bench watches: what a typical 1080p30 IP camera sends. */
export const CLIP = { width: 1920, height: 1080, fps: 30, seconds: 10, kbps: 4000 } as const;

/**
 * The 1080p30 H.264 clip (x264 once, then cached under .runtime/bench/): a moving SMPTE pattern at ~4 Mbit/s,
 * main profile, a keyframe a second and no B-frames, as IP cameras send. Encoding 4 × 1080p30 live would take
 * more than this machine's two cores; the RTSP server sends these access units in a loop instead.
 */
export async function ensureClip(): Promise<string> {
  const dir = path.join(appRoot(), '.runtime', 'bench');
  const file = path.join(dir, `clip-${CLIP.height}p${CLIP.fps}-${CLIP.kbps}k.h264`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  await run('gst-launch-1.0', [
    '-q',
    ...['videotestsrc', `num-buffers=${CLIP.fps * CLIP.seconds}`, 'pattern=smpte', 'horizontal-speed=3', '!'],
    `video/x-raw,width=${CLIP.width},height=${CLIP.height},framerate=${CLIP.fps}/1`,
    ...['!', 'videoconvert', '!', 'x264enc', 'speed-preset=veryfast', `bitrate=${CLIP.kbps}`],
    ...[`key-int-max=${CLIP.fps}`, 'bframes=0', '!', 'video/x-h264,profile=main', '!', 'h264parse', '!'],
    ...['video/x-h264,stream-format=byte-stream', '!', 'filesink', `location=${partial}`],
  ]);
  renameSync(partial, file);
  return file;
}

export type Role = 'server' | 'worker' | 'janus' | 'other';

/** Vigil's processes by role: the server itself, its camera workers, Janus, anything else it runs. */
export function vigilProcesses(serverPid: number): { pid: number; role: Role }[] {
  return processTree(serverPid).map((pid) => {
    if (pid === serverPid) return { pid, role: 'server' as const };
    const cmdline = readText(`/proc/${pid}/cmdline`).split('\0').join(' ');
    const role: Role = cmdline.includes('dist/media/worker.js')
      ? 'worker'
      : cmdline.includes('janus')
        ? 'janus'
        : 'other';
    return { pid, role };
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended while we looked: it reads as nothing
  }
}

function cpuTicks(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === '') return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/**
 * Starts counting each process's CPU; the returned function gives % of one core per pid since then. A pid that
 * ended (a worker restarted) is listed in `lost`: its figure would be wrong, so the caller says so.
 */
export function perProcessCpu(
  pids: readonly number[],
): () => { percent: Map<number, number>; lost: number[] } {
  const startedAt = performance.now();
  const before = new Map(pids.map((pid) => [pid, cpuTicks(pid)]));
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const percent = new Map<number, number>();
    const lost: number[] = [];
    for (const [pid, start] of before) {
      const end = cpuTicks(pid);
      if (start === null || end === null) lost.push(pid);
      else percent.set(pid, ((end - start) / TICKS_PER_SECOND / seconds) * 100);
    }
    return { percent, lost };
  };
}

/** Every thread of these processes: its name (GStreamer names a queue's thread `<queue>:src`) and CPU ticks. */
function threadTicks(pids: readonly number[]): Map<string, { name: string; ticks: number }> {
  const threads = new Map<string, { name: string; ticks: number }>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended: it has no threads to count
    }
    for (const tid of tids) {
      const stat = readText(`/proc/${pid}/task/${tid}/stat`);
      if (stat === '') continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(`${pid}/${tid}`, { name, ticks: Number(fields[11]) + Number(fields[12]) });
    }
  }
  return threads;
}

/**
 * Starts counting the CPU of every thread of these processes; the returned function gives % of one core per
 * thread name, summed over the processes (the same branch of every worker adds up), threads that lived through
 * the whole window only.
 */
export function perThreadCpu(pids: readonly number[]): () => Map<string, number> {
  const startedAt = performance.now();
  const before = threadTicks(pids);
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const byName = new Map<string, number>();
    for (const [key, { name, ticks }] of threadTicks(pids)) {
      const start = before.get(key);
      if (start === undefined) continue;
      const percent = ((ticks - start.ticks) / TICKS_PER_SECOND / seconds) * 100;
      byName.set(name, (byName.get(name) ?? 0) + percent);
    }
    return byName;
  };
}

/**
 * Starts counting every process on the machine; the returned function gives the busiest ones outside
 * `excluded` (% of one core, name and the start of the command line): what else shared the cores.
 */
export function elsewhereCpu(
  excluded: () => ReadonlySet<number>,
  top = 3,
): () => { total: number; busiest: string[] } {
  const startedAt = performance.now();
  const snapshot = () =>
    new Map(
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .map((entry) => [Number(entry), cpuTicks(Number(entry))] as const),
    );
  const before = snapshot();
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const skip = excluded();
    const busy: { pid: number; percent: number }[] = [];
    for (const [pid, ticks] of snapshot()) {
      // A process that started inside the window spent all its ticks in it; one that came and went is missed.
      const start = before.has(pid) ? before.get(pid) : 0;
      if (skip.has(pid) || ticks === null || start === null || start === undefined) continue;
      busy.push({ pid, percent: ((ticks - start) / TICKS_PER_SECOND / seconds) * 100 });
    }
    busy.sort((a, b) => b.percent - a.percent);
    return {
      total: busy.reduce((sum, b) => sum + b.percent, 0),
      busiest: busy.slice(0, top).map(({ pid, percent }) => {
        const command = readText(`/proc/${pid}/cmdline`).split('\0').join(' ').trim().slice(0, 60);
        return `${percent.toFixed(1)} % ${command || `pid ${pid}`}`;
      }),
    };
  };
}

/**
 * Bytes a process has caused to be written to storage (/proc/<pid>/io write_bytes): counted as page-cache
 * pages are dirtied on a disk-backed filesystem, so a tmpfs (the RAM cache) adds nothing and the vault's
 * files, vault.db and its WAL all do; reaped children's writes are added to their parent's.
 */
export function writeBytes(pid: number): number {
  return Number(/^write_bytes:\s+(\d+)$/m.exec(readText(`/proc/${pid}/io`))?.[1] ?? NaN);
}

/**
 * True when a process has GStreamer's x264enc plugin mapped: the only encoder a camera worker can build, and a
 * plugin is loaded when an element of it is made. (libx264 itself is no sign: Debian's libavcodec, which the
 * stills branch's decoder loads, links it.)
 */
export function hasEncoderMapped(pid: number): boolean {
  return /\/libgstx264\.so/.test(readText(`/proc/${pid}/maps`));
}

/** The camera a recording worker writes for: its open segment file is <cache>/segments/<camera>/<session>/. */
export function cameraOfWorker(pid: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null; // gone, or no fds to read: not a recording worker now
  }
  for (const fd of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the read
    }
    const match = /\/segments\/(\d+)\/[^/]+\/\d+\.ts$/.exec(target);
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * TCP payload bytes received so far on every established connection to `port` inside the namespace, with the
 * process that owns each (`ss -tinp`: tcp_info's bytes_received, which leaves out IP and TCP headers; over
 * RTSP-over-TCP that is the interleaved RTSP/RTP framing and the H.264 it carries).
 */
export async function tcpReceived(
  exec: readonly string[],
  port: number,
): Promise<{ pid: number; local: string; bytes: number }[]> {
  const [command = 'ip', ...prefix] = exec;
  const { stdout } = await run(command, [
    ...prefix,
    ...['ss', '-H', '-t', '-i', '-n', '-p', 'state', 'established', 'dport', '=', `:${port}`],
  ]);
  const found: { pid: number; local: string; bytes: number }[] = [];
  let socket: { pid: number; local: string } | null = null;
  for (const line of stdout.split('\n')) {
    // A socket's line (Recv-Q Send-Q Local Peer users:…), then its tcp_info on an indented line.
    const owner = /pid=(\d+)/.exec(line);
    if (owner && !/^\s/.test(line))
      socket = { pid: Number(owner[1]), local: line.trim().split(/\s+/)[2] ?? '' };
    const received = /bytes_received:(\d+)/.exec(line);
    if (received && socket !== null) {
      found.push({ ...socket, bytes: Number(received[1]) });
      socket = null;
    }
  }
  return found;
}

/** Linear interpolation of a counter sampled as [at, value] pairs (in time order); null outside the samples. */
export function interpolate(series: readonly (readonly [number, number])[], at: number): number | null {
  for (let i = 1; i < series.length; i++) {
    const [t0, v0] = series[i - 1] ?? [NaN, NaN];
    const [t1, v1] = series[i] ?? [NaN, NaN];
    if (at >= t0 && at <= t1) return t1 === t0 ? v1 : v0 + ((v1 - v0) * (at - t0)) / (t1 - t0);
  }
  return null;
}

/** Every .ts file under `root` with its size and mtime (ms). */
export function segmentFiles(root: string): { file: string; bytes: number; mtimeMs: number }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => {
      try {
        const stat = statSync(path.join(root, name));
        return [{ file: name, bytes: stat.size, mtimeMs: stat.mtimeMs }];
      } catch {
        return []; // retention or a restart removed it meanwhile
      }
    });
}

/** The machine, for the results' headings. */
export function machineLine(): string {
  const cpu = /model name\s*:\s*(.+)/.exec(readText('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown CPU';
  const cores = readText('/proc/cpuinfo').match(/^processor\s*:/gm)?.length ?? 0;
  const memGiB = Number(/MemTotal:\s+(\d+) kB/.exec(readText('/proc/meminfo'))?.[1] ?? 0) / 1024 ** 2;
  return `${cores} vCPU ${cpu}, ${memGiB.toFixed(0)} GiB, Node ${process.versions.node}`;
}

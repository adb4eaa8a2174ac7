import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appRoot } from '../server/config.js';
import { childProcesses } from '../tests/support/processes.js';
import type { TestNetns } from '../tests/support/netns.js';
import { percentile } from './live-page-probe.js';

/** Figures for the live bench: latency summaries, CPU of process trees, bytes over the veth. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
  };
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // the process ended while we looked
  }
}

/** A process and all its descendants. */
export function processTree(pid: number): number[] {
  return [pid, ...childProcesses(pid).flatMap((child) => processTree(child.pid))];
}

/** Starts counting the CPU a process tree uses; the returned function gives % of one core since then. */
export function cpuMeter(pids: () => number[]): () => number {
  const startedAt = performance.now();
  const tree = pids();
  const before = tree.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const after = tree.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    return ((after - before) / TICKS_PER_SECOND / seconds) * 100;
  };
}

/** Starts counting bytes the namespace sends to this side; the returned function gives Mbit/s since then. */
export function trafficMeter(netns: TestNetns): () => number {
  const counter = `/sys/class/net/${netns.hostInterface}/statistics/rx_bytes`;
  const startedAt = performance.now();
  const before = Number(readFileSync(counter, 'utf8'));
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return ((Number(readFileSync(counter, 'utf8')) - before) * 8) / seconds / 1e6;
  };
}

export interface ReferenceStreamer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/reference-streamer.ts (MJPEG or HLS of the test pattern) inside the namespace. */
export async function startReferenceStreamer(
  netns: TestNetns,
  mode: 'mjpeg' | 'hls',
  size: { width: number; height: number; fps: number },
): Promise<ReferenceStreamer> {
  const [command = 'ip', ...prefix] = netns.exec;
  const child = spawn(
    command,
    [
      ...prefix,
      process.execPath,
      path.join(appRoot(), 'bench/reference-streamer.ts'),
      mode,
      netns.nsIp,
      '0',
      String(size.width),
      String(size.height),
      String(size.fps),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`reference streamer exited (${code})`)));
  });
  return {
    url: `http://${netns.nsIp}:${port}`,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        // GStreamer can hold a process at exit; the bench does not wait on it for long.
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Starts counting the whole machine's busy CPU; the returned function gives % of all cores since then. */
export function machineCpuMeter(): () => number {
  const read = () => {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1);
    const values = fields.map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return { total: values.reduce((sum, v) => sum + v, 0), idle };
  };
  const before = read();
  return () => {
    const after = read();
    const total = after.total - before.total;
    return total > 0 ? (1 - (after.idle - before.idle) / total) * 100 : 0;
  };
}

/** The camera side of a frame's trip (bench/encode-stage.ts): drawing, and encode + RTP payload, ms per frame. */
export async function measureEncodeStage(
  size: { width: number; height: number; fps: number },
  frames: number,
): Promise<{ drawMs: number[]; encodeMs: number[] }> {
  const child = spawn(
    process.execPath,
    [
      path.join(appRoot(), 'bench/encode-stage.ts'),
      String(size.width),
      String(size.height),
      String(size.fps),
      String(frames),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`encode-stage exited with ${code}`);
  return JSON.parse(out) as { drawMs: number[]; encodeMs: number[] };
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino, type Logger } from 'pino';

const run = promisify(execFile);

/** A pino logger at debug that keeps every line in memory, so tests can look for leaked secrets. */
export function captureLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), text: () => chunks.join('') };
}

/** Polls `check` every 50 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface H264Sender {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A live H.264 RTP sender (gst-launch, the recipe's camera-like stream: constrained baseline, pt 96, SPS/PPS
 * with every keyframe) to `host:port`, optionally inside a network namespace (`prefix`).
 */
export function startH264Sender(
  port: number,
  options: { host?: string; prefix?: readonly string[]; width?: number; height?: number } = {},
): H264Sender {
  const argv = [
    ...(options.prefix ?? []),
    'gst-launch-1.0',
    '-q',
    'videotestsrc',
    'is-live=true',
    'pattern=ball',
    '!',
    `video/x-raw,width=${options.width ?? 640},height=${options.height ?? 360},framerate=30/1`,
    '!',
    'x264enc',
    'tune=zerolatency',
    'speed-preset=ultrafast',
    'key-int-max=30',
    '!',
    'video/x-h264,profile=constrained-baseline',
    '!',
    'rtph264pay',
    'config-interval=-1',
    'pt=96',
    '!',
    'udpsink',
    `host=${options.host ?? '127.0.0.1'}`,
    `port=${port}`,
  ];
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

export interface SocketRow {
  readonly proto: 'tcp' | 'udp';
  readonly state: string;
  /** Local address without brackets, e.g. 127.0.0.1 or ::1. */
  readonly address: string;
  readonly port: number;
}

/** Every TCP and UDP socket a process holds (listening, bound or connected), read with `ss`. */
export async function socketsOf(pid: number, prefix: readonly string[] = []): Promise<SocketRow[]> {
  const argv = [...prefix, 'ss', '-H', '-n', '-a', '-t', '-u', '-p'];
  const { stdout } = await run(argv[0]!, argv.slice(1));
  const rows: SocketRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue;
    const [proto, state, , , local] = line.trim().split(/\s+/);
    const match = /^\[?(.*?)\]?(?:%\S+)?:(\d+|\*)$/.exec(local ?? '');
    if ((proto !== 'tcp' && proto !== 'udp') || state === undefined || match === null) continue;
    rows.push({ proto, state, address: match[1]!, port: match[2] === '*' ? 0 : Number(match[2]) });
  }
  return rows;
}

export const isLoopbackAddress = (address: string) =>
  address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');

/** True while a process with this pid exists (and is not a zombie). */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const { stdout } = await run('ps', ['-o', 'stat=', '-p', String(pid)]);
    return stdout.trim() !== '' && !stdout.trim().startsWith('Z');
  } catch {
    // ps exits 1 when no such process exists
    return false;
  }
}

/** Pids of processes whose command line mentions `needle` (e.g. a test's Janus config folder). */
export async function pidsMentioning(needle: string): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', '--', needle]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when nothing matches
    return [];
  }
}

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerToWorker, WorkerToServer } from '../../media/protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The worker as the server forks it: built by `npm run build` (setup runs it; these tests do not build). */
export const WORKER_JS = path.join(root, 'dist/media/worker.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Fails early and clearly when dist/ is missing or older than media/'s sources. */
export function assertWorkerBuilt(): void {
  let built: number;
  try {
    built = statSync(WORKER_JS).mtimeMs;
  } catch {
    throw new Error(`${WORKER_JS} is missing: run \`npm run build\` (or \`npm run setup\`) first`);
  }
  if (built < newestSource(path.join(root, 'media'))) {
    throw new Error(`${WORKER_JS} is older than media/: run \`npm run build\` first`);
  }
}

export type Message = WorkerToServer;

export interface WorkerHandle {
  child: ChildProcess;
  messages: Message[];
  forkedAt: number;
  send(message: ServerToWorker): void;
  /** Resolves with the first message (already received or future) matching, or rejects after timeoutMs. */
  waitFor<T extends Message['type']>(
    type: T,
    timeoutMs: number,
    where?: (m: Extract<Message, { type: T }>) => boolean,
  ): Promise<Extract<Message, { type: T }>>;
  /** Resolves with the exit code (or signal) and when it happened. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr(): string;
  kill(): void;
}

export function forkWorker(): WorkerHandle {
  const child = fork(WORKER_JS, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const messages: Message[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('message', (message: Message) => {
    messages.push(message);
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal, at: Date.now() });
        for (const listener of listeners) listener();
      });
    },
  );
  return {
    child,
    messages,
    forkedAt: Date.now(),
    send: (message) => child.send(message),
    waitFor: (type, timeoutMs, where = () => true) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find((m) => m.type === type && where(m as never));
          if (found === undefined) return false;
          cleanup();
          resolve(found as never);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = messages.map((m) => (m.type === 'error' ? `error ${m.code}: ${m.message}` : m.type));
          reject(new Error(`no ${type} within ${timeoutMs} ms; got [${seen.join(', ')}]; stderr: ${stderr}`));
        }, timeoutMs);
        const listener = (): void => void check();
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        listeners.add(listener);
        check();
      }),
    exited,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export const START_DEFAULTS = { stills: { fps: 2, maxWidth: 640, quality: 80 } } as const;

/** Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. */
/** Polls an async `condition` (an API call, a file on disk) every 200 ms until it holds or `timeoutMs` pass. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

export interface RtpListener {
  port: number;
  /** `timestamp` is the RTP timestamp: one per frame, whatever the number of packets or slices. */
  packets: { at: number; payloadType: number; timestamp: number; nalTypes: number[] }[];
  /** Every packet's raw bytes also go here (for forwarding to a decoder). */
  onPacket?: (packet: Buffer) => void;
  close(): void;
}

/** H.264 NAL unit types in an RTP payload (RFC 6184): single NAL, STAP-A (24) contents, FU-A (28) starts. */
export function nalTypes(payload: Buffer): number[] {
  const first = payload[0];
  if (first === undefined) return [];
  const type = first & 0x1f;
  if (type === 24) {
    const types: number[] = [];
    for (let o = 1; o + 2 < payload.length;) {
      const size = payload.readUInt16BE(o);
      types.push((payload[o + 2] ?? 0) & 0x1f);
      o += 2 + size;
    }
    return types;
  }
  if (type === 28) return ((payload[1] ?? 0) & 0x80) !== 0 ? [(payload[1] ?? 0) & 0x1f] : [];
  return [type];
}

export async function startRtpListener(): Promise<RtpListener> {
  const socket: Socket = createSocket('udp4');
  const listener: RtpListener = { port: 0, packets: [], close: () => socket.close() };
  socket.on('message', (packet) => {
    const csrc = (packet[0] ?? 0) & 0x0f;
    listener.packets.push({
      at: Date.now(),
      payloadType: (packet[1] ?? 0) & 0x7f,
      timestamp: packet.readUInt32BE(4),
      nalTypes: nalTypes(packet.subarray(12 + 4 * csrc)),
    });
    listener.onPacket?.(packet);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  listener.port = socket.address().port;
  return listener;
}

/** Width and height from a JPEG's start-of-frame segment, or null when it is not a well-formed JPEG. */
export function jpegInfo(jpeg: Uint8Array): { width: number; height: number } | null {
  const buf = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (buf.readUInt16BE(0) !== 0xffd8 || buf.readUInt16BE(buf.length - 2) !== 0xffd9) return null;
  for (let o = 2; o + 9 < buf.length;) {
    if (buf[o] !== 0xff) return null;
    const marker = buf[o + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xc3)
      return { height: buf.readUInt16BE(o + 5), width: buf.readUInt16BE(o + 7) };
    o += 2 + buf.readUInt16BE(o + 2);
  }
  return null;
}

/** Decodes a JPEG to RGBA with GStreamer (gst-launch, argument array, bytes on stdin and stdout). */
export function jpegToRgba(jpeg: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'gst-launch-1.0',
      [
        '-q',
        'fdsrc',
        'fd=0',
        '!',
        'jpegdec',
        '!',
        'videoconvert',
        '!',
        'video/x-raw,format=RGBA',
        '!',
        'fdsink',
        'fd=1',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`jpegdec: ${code}`)),
    );
    child.stdin.end(jpeg);
  });
}

export { makeClip } from '../support/clips.js';

import { fork, type ChildProcess } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import { scrubSecrets } from '../../media/scrub.js';
import {
  READY_TIMEOUT_MS,
  STALL_TIMEOUT_MS,
  type AnalysisSettings,
  type CameraSource,
  type SegmentMessage,
  type ServerToWorker,
  type WorkerToServer,
} from '../../media/protocol.js';

/** What a camera looks like from outside right now. */
export interface CameraRuntime {
  status: 'starting' | 'live' | 'offline' | 'error' | 'disabled';
  /** Why the camera is offline or in error (codes from the worker, plus STALLED and CRASHED). */
  problem: { code: string; message: string } | null;
  fps: number;
  bitrateKbps: number;
  width: number | null;
  height: number | null;
  sourceCodec: string | null;
  transcoded: boolean;
  lastFrameAt: number | null;
  restarts: number;
  /**
   * Seconds between keyframes over the last KEYFRAME_WINDOW stats, or null before one was seen. A long one
   * (an RTSP camera's own setting) is why a new viewer's picture takes long to come right.
   */
  keyframeIntervalS: number | null;
  /** Analysis frames sent and dropped in the last stats interval (null: detection off). */
  analysis: { sent: number; dropped: number } | null;
}

/** Stats messages (about a second each) over which the keyframe interval is averaged. */
const KEYFRAME_WINDOW = 10;

/** A camera with no frames yet, in the given state. */
export const idleRuntime = (status: CameraRuntime['status']): CameraRuntime => ({
  status,
  problem: null,
  fps: 0,
  bitrateKbps: 0,
  width: null,
  height: null,
  sourceCodec: null,
  transcoded: false,
  lastFrameAt: null,
  restarts: 0,
  keyframeIntervalS: null,
  analysis: null,
});

export interface Still {
  jpeg: Uint8Array;
  width: number;
  height: number;
  at: number;
}

export interface CameraWorkerOptions {
  cameraId: number;
  source: CameraSource;
  workerPath: string;
  log: FastifyBaseLogger;
  /** Reserves the camera's RTP ingest (a Janus mountpoint) and says where to send. */
  ingestPort: () => Promise<number>;
  stills: { fps: number; maxWidth: number; quality: number };
  /** Detection on: where and how the worker sends its analysis frames. */
  analysis?: AnalysisSettings | undefined;
  onStill: (still: Still) => void;
  /** Recording on: each run of the worker writes its segments into a fresh RAM-cache directory. */
  segments?: SegmentsOptions | undefined;
  /** First restart delay, doubled per failure up to maxBackoffMs. Defaults 1 s and 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

export interface SegmentsOptions {
  seconds: number;
  /** A new directory for one run, or null when the camera does not record (now). */
  session: () => string | null;
  /** A run closed a segment in its directory. */
  onSegment: (dir: string, segment: SegmentMessage) => void;
  /** A run ended (the worker exited): what it left unreported in its directory may go. */
  onSessionEnd: (dir: string) => void;
}

/** Problems that will not cure themselves by retrying quickly: shown as `error` rather than `offline`. */
const CONFIG_PROBLEMS = new Set<string>(['AUTH_FAILED', 'NOT_FOUND', 'UNSUPPORTED_CODEC', 'BAD_CONFIG']);
/** A worker that stayed live this long earns a fresh back-off. */
const STABLE_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const FIRST_FRAME_GRACE_MS = 5_000;
/**
 * A live camera with no new frame for this long is shown `offline` ("no picture since …") while its worker still
 * waits for the stream to come back; the worker is restarted only at STALL_TIMEOUT_MS. Stats arrive about once a
 * second and the watchdog runs every second, so a stopped source reads `offline` within ~4 s.
 */
export const NO_PICTURE_MS = 2_000;

/**
 * One camera's worker process: spawns it, checks the ready handshake and the frame flow, and restarts it with
 * back-off (1 s doubling to 30 s) when it dies, stalls (no frame for 5 s) or never becomes ready. Each camera
 * has its own, so one camera's trouble never touches another.
 */
export class CameraWorker {
  readonly runtime: CameraRuntime = idleRuntime('starting');
  private child: ChildProcess | null = null;
  private stopped = false;
  private backoff: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private liveSince: number | null = null;
  /** The camera's frame interval while it last sent frames (ms). */
  private frameIntervalMs = 0;
  private lastFrameThisRun: number | null = null;
  /** Keyframes in each of the last KEYFRAME_WINDOW stats messages of this run. */
  private keyframeCounts: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: CameraWorkerOptions) {
    this.backoff = options.backoffMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    void this.spawn();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Restarts the worker now (its ingest moved, e.g. after an SFU restart); the next spawn asks for the port. */
  restartNow(): void {
    this.backoff = this.options.backoffMs ?? 1_000;
    if (this.child) this.child.kill('SIGKILL');
    else if (!this.stopped) void this.spawn();
  }

  /** Asks the running worker for a keyframe (see media's KeyframeMessage). */
  requestKeyframe(): void {
    this.send({ type: 'keyframe' });
  }

  /** Stops for good: asks the worker to stop, then SIGTERM, then SIGKILL. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdog);
    this.runtime.status = 'disabled';
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send({ type: 'stop' });
    const term = setTimeout(() => child.kill('SIGTERM'), STOP_GRACE_MS);
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS * 2);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    let port: number;
    try {
      port = await this.options.ingestPort();
    } catch (error) {
      this.fail('INGEST_UNAVAILABLE', error instanceof Error ? error.message : 'The SFU is not available.');
      this.scheduleRestart();
      return;
    }
    // stop() may have run while we waited for the ingest port.
    if (this.isStopped()) return;
    const { cameraId, source, workerPath, log } = this.options;
    const child = fork(workerPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    const startedAt = this.now();
    let readyAt: number | null = null;
    this.lastFrameThisRun = null;
    child.stderr?.on('data', (chunk: Buffer) => {
      log.debug({ cameraId, worker: this.scrub(chunk.toString()).slice(0, 2000) }, 'camera worker stderr');
    });
    const segments = this.options.segments;
    const segmentDir = segments?.session() ?? null;
    child.on('message', (message: WorkerToServer) => {
      if (message.type === 'ready') readyAt = this.now();
      if (message.type === 'segment') {
        if (segmentDir !== null) segments?.onSegment(segmentDir, message);
        return;
      }
      this.onMessage(message);
    });
    child.once('exit', (code, signal) => {
      if (segmentDir !== null) segments?.onSessionEnd(segmentDir);
      clearInterval(this.watchdog);
      if (this.child === child) this.child = null;
      if (this.stopped) return;
      if (
        this.runtime.problem === null ||
        this.runtime.status === 'live' ||
        this.runtime.status === 'starting'
      ) {
        this.fail('CRASHED', `The camera worker exited (${signal ?? `code ${String(code)}`}).`);
      }
      this.scheduleRestart();
    });
    this.runtime.status = 'starting';
    this.send({
      type: 'start',
      cameraId,
      source,
      rtp: { host: '127.0.0.1', port },
      stills: this.options.stills,
      ...(this.options.analysis ? { analysis: this.options.analysis } : {}),
      ...(segments && segmentDir !== null
        ? { segments: { dir: segmentDir, seconds: segments.seconds } }
        : {}),
    });
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      const now = this.now();
      if (readyAt === null) {
        if (now - startedAt > READY_TIMEOUT_MS)
          this.kill('NOT_READY', 'The camera worker did not become ready in time.');
        return;
      }
      // A camera gets a grace period for its first frame (RTSP negotiation), then at most 5 s between frames.
      const reference = this.lastFrameThisRun ?? readyAt + FIRST_FRAME_GRACE_MS;
      if (now - reference > STALL_TIMEOUT_MS) this.kill('STALLED', 'No picture from the camera for 5 s.');
      else if (this.runtime.status === 'live' && this.lastFrameThisRun !== null)
        this.noPictureSince(now, this.lastFrameThisRun);
    }, 1_000);
    this.watchdog.unref();
  }

  private onMessage(message: WorkerToServer): void {
    const runtime = this.runtime;
    switch (message.type) {
      case 'ready':
        runtime.sourceCodec = message.sourceCodec;
        runtime.transcoded = message.transcoded;
        break;
      case 'stats':
        runtime.fps = message.fps;
        runtime.bitrateKbps = message.bitrateKbps;
        runtime.width = message.width;
        runtime.height = message.height;
        runtime.analysis = message.analysis;
        this.countKeyframes(message.keyframes);
        if (message.lastFrameAt !== null) {
          runtime.lastFrameAt = message.lastFrameAt;
          this.lastFrameThisRun = message.lastFrameAt;
        }
        if (message.fps > 0) this.frameIntervalMs = 1_000 / message.fps;
        if (message.fps > 0 && runtime.status !== 'live') {
          runtime.status = 'live';
          runtime.problem = null;
          this.liveSince = this.now();
        }
        if (this.liveSince !== null && this.now() - this.liveSince > STABLE_MS)
          this.backoff = this.options.backoffMs ?? 1_000;
        break;
      case 'still':
        this.options.onStill({
          jpeg: message.jpeg,
          width: message.width,
          height: message.height,
          at: message.at,
        });
        break;
      case 'error':
        if (message.fatal) this.fail(message.code, message.message);
        else this.options.log.warn({ cameraId: this.options.cameraId, code: message.code }, message.message);
        break;
      case 'segment':
        break;
      case 'probe-result':
        break;
    }
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  /** The camera went quiet without its worker failing (a hung camera, a stalled network): offline, not dead. */
  private noPictureSince(now: number, lastFrameAt: number): void {
    // A slow camera (a 1 fps doorbell) is allowed three of its own frame intervals.
    if (now - lastFrameAt <= Math.max(NO_PICTURE_MS, 3 * this.frameIntervalMs)) return;
    this.runtime.status = 'offline';
    this.runtime.problem = {
      code: 'NO_PICTURE',
      // The time itself is in `lastFrameAt`; clients show it in their own time zone.
      message: 'The camera stopped sending pictures; waiting for it to come back.',
    };
    this.runtime.fps = 0;
    this.runtime.bitrateKbps = 0;
    this.liveSince = null;
  }

  private countKeyframes(count: number): void {
    this.keyframeCounts = [...this.keyframeCounts, count].slice(-KEYFRAME_WINDOW);
    const keyframes = this.keyframeCounts.reduce((sum, each) => sum + each, 0);
    if (keyframes > 0) this.runtime.keyframeIntervalS = this.keyframeCounts.length / keyframes;
  }

  private fail(code: string, message: string): void {
    this.runtime.status = CONFIG_PROBLEMS.has(code) ? 'error' : 'offline';
    this.runtime.problem = { code, message: this.scrub(message) };
    this.runtime.fps = 0;
    this.runtime.bitrateKbps = 0;
    this.keyframeCounts = [];
    this.liveSince = null;
    this.options.log.warn({ cameraId: this.options.cameraId, code }, this.runtime.problem.message);
  }

  private kill(code: string, message: string): void {
    this.fail(code, message);
    this.child?.kill('SIGKILL');
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 30_000);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.runtime.restarts++;
      void this.spawn();
    }, delay);
    this.restartTimer.unref();
  }

  private send(message: ServerToWorker): void {
    if (this.child?.connected) this.child.send(message);
  }

  /** Credentials never reach a log line or the API, even inside a worker's text (the worker's own scrubber). */
  private scrub(text: string): string {
    const source = this.options.source;
    return source.kind === 'rtsp' ? scrubSecrets(text, [source.username ?? '', source.password ?? '']) : text;
  }
}

import { AnalysisSender } from './analysis-sender.js';
import type { WorkerChannel } from './channel.js';
import { classifyGstError, describeGstError, gstErrorInfo } from './errors.js';
import type { BusMessage } from './gst/binding.js';
import { PipelineRunner } from './gst/runner.js';
import { buildCameraPipeline, NAMES } from './pipelines/camera.js';
import { secretsOf } from './pipelines/spec.js';
import { startProbe, type Probe } from './probe-session.js';
import {
  READY_TIMEOUT_MS,
  STALL_TIMEOUT_MS,
  STATS_INTERVAL_MS,
  type MediaErrorCode,
  type StartMessage,
} from './protocol.js';
import { SegmentReporter } from './segment-reporter.js';
import { isKeyframe, LiveStats } from './stats.js';
import { createPatternRenderer } from './test-pattern/pattern.js';
import { startTicker, type Ticker } from './test-pattern/ticker.js';

/** Seek flags (GstSeekFlags). */
const SEEK_FLUSH = 1;
const SEEK_SEGMENT = 8;
/** Of READY_TIMEOUT_MS, what the probe may use: the rest is for the camera pipeline's first frame. */
const PROBE_BUDGET_MS = READY_TIMEOUT_MS - 3_000;
/** Keyframe requests closer together than this are merged (see requestKeyframe). */
const KEYFRAME_GAP_MS = 250;

/** Called once when the session cannot go on: the worker reports the error and exits non-zero. */
export type FatalHandler = (code: MediaErrorCode, message: string) => void;

/**
 * One camera, from `start` to `stop`: probe the source, build its pipeline, send `ready` on the first encoded
 * frame, `stats` every second and `still`s at the configured rate. Any pipeline error, the end of a live stream,
 * no first frame before the ready deadline or no frame for STALL_TIMEOUT_MS is fatal: the session reports it and
 * the supervisor restarts the worker with back-off (a camera that went away is retried that way, not in here).
 */
export class CameraSession {
  private probe: Probe | null = null;
  private runner: PipelineRunner | null = null;
  private ticker: Ticker | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stats = new LiveStats();
  private ready = false;
  private stopped = false;
  private seekedToSegment = false;
  private lastStillAt = 0;
  private lastKeyframeRequest = 0;
  private keyframeTimer: NodeJS.Timeout | null = null;
  private analysis: AnalysisSender | null = null;
  private segmentReporter: SegmentReporter | null = null;

  constructor(
    private readonly start: StartMessage,
    private readonly channel: WorkerChannel,
    private readonly onFatal: FatalHandler,
  ) {}

  async run(): Promise<void> {
    const { source } = this.start;
    this.timers.push(
      setTimeout(() => {
        if (!this.ready) this.fail('NO_VIDEO', `no video within ${READY_TIMEOUT_MS} ms of start`);
      }, READY_TIMEOUT_MS - 500),
    );
    this.probe = startProbe(source, PROBE_BUDGET_MS);
    const outcome = await this.probe.result;
    this.probe = null;
    if (this.stopped) return;
    if (!outcome.ok) {
      this.fail(outcome.code, outcome.message);
      return;
    }
    const { analysis, segments } = this.start;
    const description = buildCameraPipeline({
      source,
      media: outcome.info,
      rtp: this.start.rtp,
      stills: this.start.stills,
      ...(analysis ? { analysis } : {}),
      ...(segments ? { segments } : {}),
    });
    if (segments) {
      this.segmentReporter = new SegmentReporter(
        NAMES.recording,
        (message) => this.channel.send(message),
        (path, error) =>
          this.channel.error(
            'PIPELINE_ERROR',
            `segment ${path} could not be read: ${error instanceof Error ? error.message : String(error)}`,
            false,
          ),
      );
    }
    this.channel.addSecrets(secretsOf(description));
    const runner = new PipelineRunner(description, (message) =>
      this.onBusMessage(message, description.loops),
    );
    this.runner = runner;
    runner.pull(NAMES.stats, (buffer, caps) => {
      if (!this.ready) {
        this.ready = true;
        // The first interval starts at the first frame, not while the probe ran.
        this.stats.take();
        this.channel.send({
          type: 'ready',
          sourceCodec: description.sourceCodec,
          transcoded: description.transcoded,
        });
      }
      this.stats.frame(buffer.length, caps['width'], caps['height'], isKeyframe(buffer));
    });
    runner.pull(NAMES.stills, (jpeg, caps) => this.onStill(jpeg, caps['width'], caps['height']));
    if (analysis) {
      const sender = new AnalysisSender(analysis.socket, this.start.cameraId, analysis);
      this.analysis = sender;
      runner.pull(NAMES.analysis, (pixels, caps) => {
        const { width, height } = caps;
        if (typeof width === 'number' && typeof height === 'number')
          sender.offer(pixels, width, height, Date.now());
      });
    }
    runner.play();
    if (source.kind === 'test') {
      const renderer = createPatternRenderer(source.width, source.height, source.fps);
      const appsrc = runner.appsrc(NAMES.source);
      this.ticker = startTicker(source.fps, (index) => appsrc.push(renderer.render(index, Date.now())));
    }
    this.timers.push(setInterval(() => this.tick(), STATS_INTERVAL_MS));
  }

  /**
   * Asks the encoder for a keyframe on the live branch (see KeyframeMessage). Requests closer together than
   * KEYFRAME_GAP_MS are merged into one at the end of the gap, which still comes after each of them: a wall
   * of viewers opening at once costs a few keyframes, not one each.
   */
  requestKeyframe(): void {
    if (this.keyframeTimer !== null) return;
    const wait = this.lastKeyframeRequest + KEYFRAME_GAP_MS - Date.now();
    const send = () => {
      this.keyframeTimer = null;
      this.lastKeyframeRequest = Date.now();
      if (!this.stopped) this.runner?.forceKeyUnit(NAMES.liveQueue);
    };
    if (wait <= 0) send();
    else this.keyframeTimer = setTimeout(send, wait);
  }

  /**
   * Stops the pipeline; resolves true once GStreamer's threads are released (safe to exit). Segments closed
   * by then are reported before it resolves; the one still open stays as it is, unreported (no EOS reaches it).
   */
  async stop(): Promise<boolean> {
    this.stopped = true;
    if (this.keyframeTimer !== null) clearTimeout(this.keyframeTimer);
    this.ticker?.stop();
    this.analysis?.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.probe?.cancel();
    await this.probe?.result;
    const released = (await this.runner?.stop()) ?? true;
    await this.segmentReporter?.drained();
    return released;
  }

  private tick(): void {
    if (!this.ready) return;
    this.channel.send({ ...this.stats.take(), analysis: this.analysis?.take() ?? null });
    const newest = this.stats.newestFrameAt;
    if (newest !== null && Date.now() - newest > STALL_TIMEOUT_MS) {
      this.fail('NO_VIDEO', `no frame for ${STALL_TIMEOUT_MS} ms`);
    }
  }

  private onStill(jpeg: Buffer, width: unknown, height: unknown): void {
    const at = Date.now();
    // videorate's max-rate is whole frames per second; this keeps fractional rates (0.5 fps) honest.
    if (at - this.lastStillAt < 900 / this.start.stills.fps) return;
    if (typeof width !== 'number' || typeof height !== 'number') return;
    this.lastStillAt = at;
    this.channel.still({ type: 'still', jpeg, width, height, at });
  }

  private onBusMessage(message: BusMessage, loops: boolean): void {
    switch (message.type) {
      case 'error': {
        const info = gstErrorInfo(message);
        this.fail(classifyGstError(info), describeGstError(info));
        return;
      }
      case 'async-done':
        // A file plays as a looping segment: at its end comes segment-done (not EOS) and a non-flushing seek
        // continues with running time (and so RTP timestamps) still increasing.
        if (loops && !this.seekedToSegment) {
          this.seekedToSegment = true;
          this.runner?.seek(0, SEEK_FLUSH | SEEK_SEGMENT);
        }
        return;
      case 'segment-done':
        this.runner?.seek(0, SEEK_SEGMENT);
        return;
      case 'element':
        this.segmentReporter?.onMessage(message);
        return;
      case 'eos':
        // A demuxer that cannot do segment seeks ends with EOS: a flushing seek restarts it.
        if (loops && this.runner?.seek(0, SEEK_FLUSH | SEEK_SEGMENT) === true) return;
        this.fail('NO_VIDEO', 'the camera ended the stream');
        return;
      default:
        return;
    }
  }

  private fail(code: MediaErrorCode, message: string): void {
    if (this.stopped) return;
    this.stopped = true;
    // Stopping here, synchronously, matters when the failure came from a bus message: the bus poll then sees
    // NULL and ends at once. Stopped later, after the camera closed the stream, no message was seen to wake it.
    void this.runner?.stop();
    this.onFatal(code, message);
  }
}

import { toLaunchString, type PipelineDescription } from '../pipelines/spec.js';
import {
  gst,
  type AppSink,
  type AppSrc,
  type BusMessage,
  type Element,
  type Pipeline,
  type SampleCaps,
} from './binding.js';

/** The pipeline could not be made: a launch-string parse error (e.g. a missing element) or a bad property. */
export class PipelineBuildError extends Error {
  readonly code = 'PIPELINE_ERROR';
}

/** Pipelines made by gst_parse_launch are named pipeline0, pipeline1…; our elements never are. */
const PIPELINE_NAME = /^pipeline\d+$/;
/** Pause between pulls while an appsink is flushing or at EOS (not started yet, or seeking back). */
const IDLE_PULL_MS = 20;

/**
 * One parsed pipeline and the thread-pool work gstreamer-superficial runs for it. Every appsink pull and the
 * bus poll block a libuv pool thread, and libuv joins those threads at process exit, so a process that exits
 * while a pull is blocked hangs. `stop()` sets the pipeline to NULL (which releases every pull and ends the
 * bus poll) and resolves once all of them have come back: only then is exiting safe.
 */
export class PipelineRunner {
  /** The pipeline's own state, as its state-changed messages report it ('NULL' until the first one). */
  state = 'NULL';
  private readonly pipeline: Pipeline;
  private stopped = false;
  private pendingPulls = 0;
  private readonly idleTimers = new Set<NodeJS.Timeout>();
  private readonly releaseWaiters: (() => void)[] = [];
  /** A bus poll is armed (blocked on a pool thread, or about to call back). */
  private busPolling = false;
  /** The pipeline reported leaving NULL, so stopping it posts messages that end the bus poll. */
  private started = false;

  constructor(
    description: PipelineDescription,
    private readonly onMessage: (message: BusMessage) => void,
  ) {
    try {
      this.pipeline = new gst.Pipeline(toLaunchString(description));
    } catch (error) {
      throw new PipelineBuildError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    // The bus poll pops on a pool thread until a message comes. With auto-flush, messages posted while the
    // pipeline winds down to NULL are dropped and a pop re-armed around stop() could wait forever; kept, they
    // wake it, and the poll sees NULL and ends.
    this.pipeline['auto-flush-bus'] = false;
    for (const setting of description.properties) {
      const element = this.element(setting.element);
      if (!(setting.property in element)) {
        throw new PipelineBuildError(`element ${setting.element} has no property ${setting.property}`);
      }
      element[setting.property] = setting.value;
    }
  }

  element(name: string): Element {
    const element = this.pipeline.findChild(name);
    if (element === undefined) throw new PipelineBuildError(`no element named ${name}`);
    return element;
  }

  /**
   * Sends an upstream force-key-unit event from the sink pad of `name`: the encoder above it makes its next
   * frame a keyframe (an RTSP source may pass the request on to the camera, or ignore it).
   */
  forceKeyUnit(name: string): void {
    if (this.stopped) return;
    this.element(name); // the binding dereferences the element unchecked: it must exist
    this.pipeline.forceKeyUnit(name, 1);
  }

  appsrc(name: string): AppSrc {
    const element = this.element(name);
    if (typeof element['push'] !== 'function') throw new PipelineBuildError(`${name} is not an appsrc`);
    return element as AppSrc;
  }

  play(): void {
    this.busPolling = true;
    this.pipeline.pollBus((message) => {
      if (this.stopped) {
        // gstreamer-superficial re-arms the poll only while the pipeline is not NULL; after stop() it is NULL.
        this.busPolling = false;
        this.settle();
        return;
      }
      if (PIPELINE_NAME.test(message._src_element_name) && message.type === 'state-changed') {
        const state = message['new-state'];
        if (typeof state === 'string') this.state = state.replace('GST_STATE_', '');
        this.started = true;
      }
      this.onMessage(message);
      if (this.isStopped()) {
        // stop() ran inside the handler: the pipeline is NULL before the native side decides to re-arm.
        this.busPolling = false;
        this.settle();
      }
    });
    this.pipeline.play();
  }

  /** Pulls every sample of appsink `name` into `onSample` until the runner stops. */
  pull(name: string, onSample: (buffer: Buffer, caps: SampleCaps) => void): void {
    const sink = this.element(name);
    if (typeof sink['pull'] !== 'function') throw new PipelineBuildError(`${name} is not an appsink`);
    const next = (): void => {
      if (this.stopped) return;
      this.pendingPulls += 1;
      (sink as AppSink).pull((buffer, caps) => {
        this.pendingPulls -= 1;
        if (this.stopped) {
          this.settle();
          return;
        }
        if (buffer === null) {
          const timer = setTimeout(() => {
            this.idleTimers.delete(timer);
            next();
          }, IDLE_PULL_MS);
          this.idleTimers.add(timer);
          return;
        }
        onSample(buffer, caps);
        next();
      });
    };
    next();
  }

  /** Seek to `seconds` with GstSeekFlags; false when the pipeline refused. */
  seek(seconds: number, flags: number): boolean {
    return !this.stopped && this.pipeline.seek(seconds, flags);
  }

  /**
   * Sets the pipeline to NULL and resolves true once every pull has returned and the bus poll has ended, or
   * false if they did not within `timeoutMs` (then a pool thread is stuck and only a kill ends the process).
   * A pipeline that never left NULL ended its bus poll at its first message, so that poll is not waited for.
   */
  stop(timeoutMs = 1500): Promise<boolean> {
    if (!this.stopped) {
      this.stopped = true;
      for (const timer of this.idleTimers) clearTimeout(timer);
      this.idleTimers.clear();
      if (!this.started) this.busPolling = false;
      this.pipeline.stop();
    }
    if (this.released()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.releaseWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** A call, not a field read: handlers may stop the runner, and TypeScript would keep the field narrowed. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private released(): boolean {
    return this.pendingPulls === 0 && !this.busPolling;
  }

  private settle(): void {
    if (this.released()) for (const waiter of this.releaseWaiters.splice(0)) waiter();
  }
}

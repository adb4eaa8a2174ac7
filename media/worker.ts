/**
 * The camera worker: one process per camera, forked by the server with `serialization: 'advanced'`. It takes
 * `start` (run a camera until `stop`) or `probe` (answer once, then exit) and speaks media/protocol.ts.
 * Exit codes: 0 after `stop`, a probe answer, or the server going away; 1 after a fatal error (reported first).
 */

// Each appsink pull and the bus poll hold a libuv pool thread while they wait (3 per pipeline, plus the probe's
// while it winds down); the default pool of 4 would leave none for fs and dns. Read once, at the pool's first use.
process.env['UV_THREADPOOL_SIZE'] ??= '16';

import { CameraSession } from './camera-session.js';
import { WorkerChannel } from './channel.js';
import { startProbe, type Probe } from './probe-session.js';
import type { MediaErrorCode, ServerToWorker, WorkerToServer } from './protocol.js';
import { BadConfigError, parseServerMessage } from './validate.js';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('media/worker: must be forked with an IPC channel by the server\n');
  process.exit(2);
}

const channel = new WorkerChannel(
  (message: WorkerToServer, done) => send(message, undefined, {}, done),
  () => process.connected,
);

let session: CameraSession | null = null;
let probe: Probe | null = null;
let busy = false;
let exiting = false;

/** Stops whatever runs, flushes the channel, exits. GStreamer's threads must be released first (see runner). */
async function shutdown(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  probe?.cancel();
  const released = (await session?.stop()) ?? true;
  await probe?.result;
  await channel.flush(1_000);
  if (!released) {
    // A pool thread is still blocked inside GStreamer: process.exit would hang joining it.
    process.stderr.write('media/worker: GStreamer did not release its threads; killing the process\n');
    process.kill(process.pid, 'SIGKILL');
  }
  process.exit(code);
}

function fatal(code: MediaErrorCode, message: string): void {
  channel.error(code, message, true);
  void shutdown(1);
}

function handle(message: ServerToWorker): void {
  if (message.type === 'stop') {
    void shutdown(0);
    return;
  }
  if (message.type === 'keyframe') {
    // Before the pipeline runs there is nothing to ask; its first frame is a keyframe anyway.
    session?.requestKeyframe();
    return;
  }
  if (busy) {
    channel.error('BAD_CONFIG', `unexpected ${message.type}: this worker is already running`, false);
    return;
  }
  busy = true;
  const { source } = message;
  if (source.kind === 'rtsp') channel.addSecrets([source.username ?? '', source.password ?? '']);
  if (message.type === 'probe') {
    const running = startProbe(source, message.timeoutMs);
    probe = running;
    void running.result.then((outcome) => {
      if (exiting) return;
      if (outcome.ok) {
        channel.send({ type: 'probe-result', ...outcome.info, audio: outcome.info.audio ?? null });
        void shutdown(0);
      } else {
        fatal(outcome.code, outcome.message);
      }
    });
    return;
  }
  session = new CameraSession(message, channel, fatal);
  session.run().catch((error: unknown) => {
    fatal('PIPELINE_ERROR', error instanceof Error ? error.message : String(error));
  });
}

process.on('message', (raw: unknown) => {
  if (exiting) return;
  let message: ServerToWorker;
  try {
    message = parseServerMessage(raw);
  } catch (error) {
    if (!(error instanceof BadConfigError)) throw error;
    // A malformed start leaves nothing to run; a malformed anything-else is reported and ignored.
    const isStart = typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'start';
    if (isStart && !busy) fatal('BAD_CONFIG', error.message);
    else channel.error('BAD_CONFIG', error.message, false);
    return;
  }
  handle(message);
});

// The server went away (even by kill -9): nobody is left to send to, so stop at once.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('uncaughtException', (error) => fatal('PIPELINE_ERROR', `worker error: ${error.message}`));

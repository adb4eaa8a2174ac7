/**
 * The skeleton of a media program the server forks for one job (a thumbnail, an export): it takes one request
 * over the IPC channel, runs one pipeline, sends exactly one reply and exits, so a GStreamer element that hangs
 * or crashes takes nothing but this process with it. Exit codes: 0 after the reply (or when the server went
 * away, even by kill -9: nobody is left to answer, and what was written is the server's to remove), 2 without an
 * IPC channel.
 */
import type { PipelineRunner } from './gst/runner.js';

export interface OneShotJob<Reply> {
  /** Sends the one reply (later calls are ignored), then releases GStreamer and exits. */
  reply: (message: Reply) => void;
  /** Replies with the program's error message. */
  fail: (message: string) => void;
}

export function runOneShotProgram<Request, Reply extends object>(options: {
  /** For the error when the program was not forked with an IPC channel, e.g. 'media/thumbnail'. */
  name: string;
  parse(raw: unknown): Request;
  errorReply(message: string): Reply;
  /** Builds the job's pipeline, not yet playing (the skeleton plays it); what it throws is the reply's error. */
  start(request: Request, job: OneShotJob<Reply>): PipelineRunner;
}): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stderr.write(`${options.name}: must be forked with an IPC channel by the server\n`);
    process.exit(2);
  }

  let runner: PipelineRunner | null = null;
  let replied = false;

  /** Releases GStreamer's threads, sends `message` (when there is one and someone to send it to), exits. */
  async function finish(message: Reply | null): Promise<void> {
    const released = (await runner?.stop()) ?? true;
    await new Promise<void>((resolve) => {
      if (message === null || !process.connected) resolve();
      else send?.(message, undefined, {}, () => resolve());
    });
    // A pool thread still blocked inside GStreamer would make process.exit hang joining it.
    if (!released) process.kill(process.pid, 'SIGKILL');
    process.exit(0);
  }

  const settle = (message: Reply | null) => {
    if (replied) return;
    replied = true;
    void finish(message);
  };
  const job: OneShotJob<Reply> = {
    reply: settle,
    fail: (message) => settle(options.errorReply(message)),
  };
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  process.once('message', (raw: unknown) => {
    let request: Request;
    try {
      request = options.parse(raw);
    } catch (error) {
      job.fail(describe(error));
      return;
    }
    try {
      runner = options.start(request, job);
      runner.play();
    } catch (error) {
      job.fail(describe(error));
    }
  });
  process.on('disconnect', () => settle(null));
}

/**
 * The thumbnail program: forked by the server (server/recordings/thumbnail-decoder.ts) with an IPC channel
 * and `serialization: 'advanced'` for one picture. It takes one `thumbnail` request, decodes the first picture of
 * that segment to a JPEG, replies once and exits: decoding happens outside the server's event loop, and a
 * decoder that hangs or crashes takes nothing but this process with it. Exit codes: 0 after a reply, 2 without
 * an IPC channel.
 */
import { describeGstError, gstErrorInfo } from './errors.js';
import { PipelineRunner } from './gst/runner.js';
import { buildThumbnailPipeline, THUMBNAIL_SINK } from './pipelines/thumbnail.js';
import { parseThumbnailRequest, type ThumbnailReply, type ThumbnailRequest } from './thumbnail-protocol.js';

/** How long the picture may trail the bus's EOS (the pull runs on a pool thread of its own). */
const EOS_GRACE_MS = 500;

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('media/thumbnail: must be forked with an IPC channel by the server\n');
  process.exit(2);
}

let runner: PipelineRunner | null = null;
let replied = false;

/** Releases GStreamer's threads, sends `message` (when there is one and someone to send it to), exits. */
async function finish(message: ThumbnailReply | null): Promise<void> {
  const released = (await runner?.stop()) ?? true;
  await new Promise<void>((resolve) => {
    if (message === null || !process.connected) resolve();
    else send?.(message, undefined, {}, () => resolve());
  });
  // A pool thread still blocked inside GStreamer would make process.exit hang joining it.
  if (!released) process.kill(process.pid, 'SIGKILL');
  process.exit(0);
}

/** The one reply. */
function reply(message: ThumbnailReply): void {
  if (replied) return;
  replied = true;
  void finish(message);
}

const fail = (message: string) => reply({ type: 'error', message });

process.once('message', (raw: unknown) => {
  let request: ThumbnailRequest;
  try {
    request = parseThumbnailRequest(raw);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  try {
    runner = new PipelineRunner(buildThumbnailPipeline(request.input, request.width), (message) => {
      if (message.type === 'error') fail(describeGstError(gstErrorInfo(message)));
      else if (message.type === 'eos')
        setTimeout(() => fail('the segment ended before any picture'), EOS_GRACE_MS);
    });
    runner.pull(THUMBNAIL_SINK, (jpeg, caps) => {
      const { width, height } = caps;
      if (typeof width !== 'number' || typeof height !== 'number') fail('the picture has no size');
      else reply({ type: 'thumbnail', jpeg, width, height });
    });
    runner.play();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
});

// The server went away (even by kill -9): nobody is left to answer.
process.on('disconnect', () => {
  if (replied) return;
  replied = true;
  void finish(null);
});

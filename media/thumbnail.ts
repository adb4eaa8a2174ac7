/**
 * The thumbnail program: forked by the server (server/recordings/thumbnail-decoder.ts) with an IPC channel
 * and `serialization: 'advanced'` for one picture. It takes one `thumbnail` request, decodes the first picture of
 * that segment to a JPEG, replies once and exits: decoding happens outside the server's event loop, and a
 * decoder that hangs or crashes takes nothing but this process with it. Exit codes: 0 after a reply, 2 without
 * an IPC channel.
 */
import { describeGstError, gstErrorInfo } from './errors.js';
import { PipelineRunner } from './gst/runner.js';
import { runOneShotProgram } from './one-shot-program.js';
import { buildThumbnailPipeline, THUMBNAIL_SINK } from './pipelines/thumbnail.js';
import { parseThumbnailRequest, type ThumbnailReply } from './thumbnail-protocol.js';

/** How long the picture may trail the bus's EOS (the pull runs on a pool thread of its own). */
const EOS_GRACE_MS = 500;

runOneShotProgram({
  name: 'media/thumbnail',
  parse: parseThumbnailRequest,
  errorReply: (message): ThumbnailReply => ({ type: 'error', message }),
  start(request, { reply, fail }) {
    const runner = new PipelineRunner(buildThumbnailPipeline(request.input, request.width), (message) => {
      if (message.type === 'error') fail(describeGstError(gstErrorInfo(message)));
      else if (message.type === 'eos')
        setTimeout(() => fail('the segment ended before any picture'), EOS_GRACE_MS);
    });
    runner.pull(THUMBNAIL_SINK, (jpeg, caps) => {
      const { width, height } = caps;
      if (typeof width !== 'number' || typeof height !== 'number') fail('the picture has no size');
      else reply({ type: 'thumbnail', jpeg, width, height });
    });
    return runner;
  },
});

/**
 * The export program: forked by the server (server/recordings/export-remuxer.ts) with an IPC channel and
 * `serialization: 'advanced'` for one export. It takes one `export` request, remuxes the joined MPEG-TS that the
 * server writes into its stdin into one MP4 (media/pipelines/export.ts), replies once the file is complete and
 * exits: a muxer that hangs or crashes takes nothing but this process with it. Exit codes: 0 after a reply (or
 * when the server went away), 2 without an IPC channel.
 */
import { describeGstError, gstErrorInfo } from './errors.js';
import { parseExportRequest, type ExportReply } from './export-protocol.js';
import { PipelineRunner } from './gst/runner.js';
import { runOneShotProgram } from './one-shot-program.js';
import { buildExportPipeline } from './pipelines/export.js';

runOneShotProgram({
  name: 'media/recording-export',
  parse: parseExportRequest,
  errorReply: (message): ExportReply => ({ type: 'error', message }),
  start(request, { reply, fail }) {
    return new PipelineRunner(
      buildExportPipeline(request.output, request.faststartFile, request.audio),
      (message) => {
        if (message.type === 'error') fail(describeGstError(gstErrorInfo(message)));
        // The pipeline's EOS comes after filesink took the last byte: mp4mux has written the index and the pictures.
        else if (message.type === 'eos') reply({ type: 'done' });
      },
    );
  },
});

/**
 * The export program: forked by the server (server/recordings/export-remuxer.ts) with an IPC channel and
 * `serialization: 'advanced'` for one export. It takes one `export` request, remuxes the joined MPEG-TS that the
 * server writes into its stdin into one MP4 (media/pipelines/export.ts), replies once the file is complete and
 * exits: a muxer that hangs or crashes takes nothing but this process with it. Exit codes: 0 after a reply (or
 * when the server went away), 2 without an IPC channel.
 */
import { describeGstError, gstErrorInfo } from './errors.js';
import { parseExportRequest, type ExportReply, type ExportRequest } from './export-protocol.js';
import { PipelineRunner } from './gst/runner.js';
import { buildExportPipeline } from './pipelines/export.js';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('media/recording-export: must be forked with an IPC channel by the server\n');
  process.exit(2);
}

let runner: PipelineRunner | null = null;
let replied = false;

/** Releases GStreamer's threads, sends `message` (when there is one and someone to send it to), exits. */
async function finish(message: ExportReply | null): Promise<void> {
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
function reply(message: ExportReply): void {
  if (replied) return;
  replied = true;
  void finish(message);
}

const fail = (message: string) => reply({ type: 'error', message });

process.once('message', (raw: unknown) => {
  let request: ExportRequest;
  try {
    request = parseExportRequest(raw);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  try {
    runner = new PipelineRunner(
      buildExportPipeline(request.output, request.faststartFile, request.audio),
      (message) => {
        if (message.type === 'error') fail(describeGstError(gstErrorInfo(message)));
        // The pipeline's EOS comes after filesink took the last byte: mp4mux has written the index and the pictures.
        else if (message.type === 'eos') reply({ type: 'done' });
      },
    );
    runner.play();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
});

// The server went away (even by kill -9): nobody is left to answer, and the partial file is its to remove.
process.on('disconnect', () => {
  if (replied) return;
  replied = true;
  void finish(null);
});

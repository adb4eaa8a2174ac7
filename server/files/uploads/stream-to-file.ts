import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors.js';
import { uploadBatches } from './batch-pool.js';
import { FileSink } from './file-sink.js';

/**
 * Streams an upload into a file through a pass-through and returns how many bytes it wrote. A failing file
 * (a full disk) fails this write without destroying the source, so the request it comes from can still be
 * answered (tus) or read on to its next part (multipart). The file is closed when this settles, so its size is
 * what a resume starts from. Upload batches go back to their pool as they are written (see BatchPool).
 */
export async function streamToFile(
  source: Readable,
  file: string,
  options: { flags: 'r+' | 'wx'; start?: number },
): Promise<number> {
  const sink = new FileSink(file, { flags: options.flags, start: options.start ?? 0, pool: uploadBatches });
  const proxy = new PassThrough();
  const failed = (error: Error) => proxy.destroy(error);
  const closed = () => {
    if (!source.readableEnded) proxy.destroy(new AppError('UPLOAD_CUT_OFF', 400, 'The upload was cut off.'));
  };
  source.on('error', failed).on('close', closed).pipe(proxy);
  try {
    await pipeline(proxy, sink);
    return sink.bytesWritten;
  } finally {
    source.unpipe(proxy);
    source.off('error', failed).off('close', closed);
    if (!sink.closed) await once(sink, 'close');
  }
}

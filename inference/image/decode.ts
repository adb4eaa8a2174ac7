/**
 * Decodes a picture file (JPEG, PNG, anything GStreamer's decodebin knows) into packed RGB, through the same
 * GStreamer the cameras use. The file's path is set as a property on the parsed filesrc, never put in the
 * launch string.
 */
import { gst, type AppSink } from '../../media/gst/binding.js';
import type { RgbImage } from './rgb.js';

export class ImageDecodeError extends Error {
  readonly code = 'IMAGE_UNREADABLE';
}

export function decodeImageFile(path: string, timeoutMs = 10_000): Promise<RgbImage> {
  const pipeline = new gst.Pipeline(
    'filesrc name=src ! decodebin ! videoconvert ! video/x-raw,format=RGB ! appsink name=sink sync=false max-buffers=1',
  );
  pipeline.findChild('src')!['location'] = path;
  const sink = pipeline.findChild('sink') as AppSink;
  return new Promise<RgbImage>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, image?: RgbImage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pipeline.stop();
      if (error) reject(error);
      else resolve(image!);
    };
    const timer = setTimeout(
      () => finish(new ImageDecodeError(`${path}: no picture within ${timeoutMs} ms`)),
      timeoutMs,
    );
    pipeline.pollBus((message) => {
      if (message.type === 'error')
        finish(new ImageDecodeError(`${path}: ${String(message['message'] ?? 'cannot decode')}`));
      if (message.type === 'eos') finish(new ImageDecodeError(`${path}: no picture in the file`));
    });
    // Pull only once playing: a pull on an appsink that is not yet running returns no sample at once.
    pipeline.play();
    sink.pull((buffer, caps) => {
      if (!buffer) return finish(new ImageDecodeError(`${path}: no picture in the file`));
      const width = Number(caps['width']);
      const height = Number(caps['height']);
      // GStreamer pads RGB rows to 4 bytes; pack them.
      const stride = buffer.length / height;
      const data = new Uint8Array(width * height * 3);
      for (let y = 0; y < height; y++)
        data.set(buffer.subarray(y * stride, y * stride + width * 3), y * width * 3);
      finish(null, { width, height, data });
    });
  });
}

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface Decoded {
  /** gst-launch's exit code. */
  code: number | null;
  /** Pictures avdec_h264 decoded whole (output-corrupt=false drops any it could not). */
  frames: number;
  /** The first decoded picture, RGBA. */
  first: Buffer | null;
  /** The H.264 byte stream as tsdemux + h264parse took it out of the file. */
  elementary: Buffer;
  stderr: string;
}

/** Demuxes and decodes a segment file with GStreamer: the file on stdin, RGBA on stdout, the H.264 on fd 3. */
export function decodeSegment(file: string, width: number, height: number): Promise<Decoded> {
  const frameBytes = width * height * 4;
  const input = openSync(file, 'r');
  const child = spawn(
    'gst-launch-1.0',
    [
      '-q',
      ...['fdsrc', 'fd=0', '!', 'tsdemux', '!', 'h264parse', '!'],
      ...['video/x-h264,stream-format=byte-stream,alignment=au', '!', 'tee', 'name=t'],
      ...['t.', '!', 'queue', '!', 'fdsink', 'fd=3'],
      // The decoder gets its own parse, as in the camera worker: libav (GStreamer 1.22) damages several-slice
      // pictures handed to it as byte-stream access units (media/pipelines/camera.ts).
      ...['t.', '!', 'queue', '!', 'h264parse', '!', 'avdec_h264', 'output-corrupt=false', '!'],
      ...['videoconvert', '!', 'video/x-raw,format=RGBA', '!', 'fdsink', 'fd=1'],
    ],
    { stdio: [input, 'pipe', 'pipe', 'pipe'] },
  );
  closeSync(input);
  const collect = (stream: Readable | null | undefined): Buffer[] => {
    const chunks: Buffer[] = [];
    stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
    return chunks;
  };
  const pictures = collect(child.stdout);
  const elementary = collect(child.stdio[3] as Readable);
  const stderr = collect(child.stderr);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const rgba = Buffer.concat(pictures);
      resolve({
        code,
        frames: Math.floor(rgba.length / frameBytes),
        first: rgba.length >= frameBytes ? rgba.subarray(0, frameBytes) : null,
        elementary: Buffer.concat(elementary),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
  });
}

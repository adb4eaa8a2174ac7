import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * A clip that shows an empty grey scene for `gap` s, then one person for `shown` s (10 fps, 640 × 360): the
 * first picture of the strip along the top of the package's samples.jpg (156 × 156 px from the top left).
 */
export async function makePeopleClip(file: string, photo: string, gap: number, shown: number): Promise<void> {
  const format = 'video/x-raw,format=I420,width=640,height=360,framerate=10/1,pixel-aspect-ratio=1/1';
  await promisify(execFile)('gst-launch-1.0', [
    '-q',
    'concat',
    'name=c',
    '!',
    'videoconvert',
    '!',
    'x264enc',
    'key-int-max=10',
    '!',
    'h264parse',
    '!',
    'mp4mux',
    '!',
    'filesink',
    `location=${file}`,
    'videotestsrc',
    'pattern=solid-color',
    'foreground-color=0xff808080',
    `num-buffers=${gap * 10}`,
    '!',
    'videoconvert',
    '!',
    format,
    '!',
    'c.',
    'filesrc',
    `location=${photo}`,
    '!',
    'jpegdec',
    '!',
    'videocrop',
    'left=0',
    'top=0',
    'right=1124',
    'bottom=1002',
    '!',
    'videoconvert',
    '!',
    'videoscale',
    'add-borders=true',
    '!',
    'video/x-raw,width=640,height=360,pixel-aspect-ratio=1/1',
    '!',
    'imagefreeze',
    `num-buffers=${shown * 10}`,
    '!',
    'videoconvert',
    '!',
    'videorate',
    '!',
    format,
    '!',
    'c.',
  ]);
}

/** A still scene: the grey picture only, `seconds` long. */
export async function makeStillClip(file: string, seconds: number): Promise<void> {
  await promisify(execFile)('gst-launch-1.0', [
    '-q',
    'videotestsrc',
    'pattern=solid-color',
    'foreground-color=0xff808080',
    `num-buffers=${seconds * 10}`,
    '!',
    'video/x-raw,format=I420,width=640,height=360,framerate=10/1',
    '!',
    'x264enc',
    '!',
    'h264parse',
    '!',
    'mp4mux',
    '!',
    'filesink',
    `location=${file}`,
  ]);
}

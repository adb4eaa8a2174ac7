import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The tail every clip ends with: H.264 in MP4, written to `file`. */
const toMp4 = (file: string, encoder: string[] = ['x264enc']) => [
  ...encoder,
  '!',
  'h264parse',
  '!',
  'mp4mux',
  '!',
  'filesink',
  `location=${file}`,
];
const launch = (args: string[]) => promisify(execFile)('gst-launch-1.0', ['-q', ...args]);

/** One person: the first picture of the strip along the top of the package's samples.jpg (156 × 156 px). */
const PERSON_CROP = ['videocrop', 'left=0', 'top=0', 'right=1124', 'bottom=1002'];

/** That person as a JPEG of their own (the detection bench's camera overlays it on its scene). */
export async function makePersonPicture(samples: string, file: string): Promise<void> {
  await launch([
    'filesrc',
    `location=${samples}`,
    '!',
    'jpegdec',
    '!',
    ...PERSON_CROP,
    '!',
    'videoconvert',
    '!',
    'jpegenc',
    '!',
    'filesink',
    `location=${file}`,
  ]);
}

/** A `seconds`-long 320×240 15 fps clip of GStreamer's bouncing ball. */
export async function makeClip(file: string, seconds: number): Promise<void> {
  await launch([
    'videotestsrc',
    `num-buffers=${seconds * 15}`,
    'pattern=ball',
    '!',
    'video/x-raw,width=320,height=240,framerate=15/1',
    '!',
    ...toMp4(file),
  ]);
}

/** A `seconds`-long MPEG-TS segment of the ball at 15 fps, as the recorder keeps them (one keyframe first). */
export async function makeTsSegment(file: string, seconds: number): Promise<void> {
  await launch([
    'videotestsrc',
    `num-buffers=${seconds * 15}`,
    'pattern=ball',
    '!',
    'video/x-raw,width=320,height=240,framerate=15/1',
    '!',
    'x264enc',
    'tune=zerolatency',
    `key-int-max=${seconds * 15}`,
    '!',
    'h264parse',
    '!',
    'mpegtsmux',
    '!',
    'filesink',
    `location=${file}`,
  ]);
}

/**
 * A clip that shows an empty grey scene for `gap` s, then one person for `shown` s (10 fps, 640 × 360): the
 * first picture of the strip along the top of the package's samples.jpg (156 × 156 px from the top left).
 */
export async function makePeopleClip(file: string, photo: string, gap: number, shown: number): Promise<void> {
  const format = 'video/x-raw,format=I420,width=640,height=360,framerate=10/1,pixel-aspect-ratio=1/1';
  await launch([
    'concat',
    'name=c',
    '!',
    'videoconvert',
    '!',
    // Zero latency (no B-frames, no lookahead): x264's defaults after a concat wrote the photo's frames with one
    // stuck DTS and no durations, a file that plays with a 3 s stall and breaks any muxer downstream.
    ...toMp4(file, ['x264enc', 'key-int-max=10', 'tune=zerolatency']),
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
    ...PERSON_CROP,
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

/**
 * A 5 s clip whose timestamps are broken the way a user's files can be: x264's defaults after a concat write a
 * 2 s jump in DTS, presentation times out of order and a stall (the fixture bug b980a94 fixed, kept as a fixture).
 */
export async function makeStuckTimestampsClip(file: string): Promise<void> {
  const format = 'video/x-raw,format=I420,width=640,height=360,framerate=10/1,pixel-aspect-ratio=1/1';
  await launch([
    'concat',
    'name=c',
    '!',
    'videoconvert',
    '!',
    ...toMp4(file, ['x264enc', 'key-int-max=10']),
    'videotestsrc',
    'pattern=solid-color',
    'foreground-color=0xff808080',
    'num-buffers=20',
    '!',
    'videoconvert',
    '!',
    format,
    '!',
    'c.',
    'videotestsrc',
    'pattern=ball',
    'num-buffers=1',
    '!',
    'video/x-raw,width=640,height=360',
    '!',
    'imagefreeze',
    'num-buffers=30',
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
  await launch([
    'videotestsrc',
    'pattern=solid-color',
    'foreground-color=0xff808080',
    `num-buffers=${seconds * 10}`,
    '!',
    'video/x-raw,format=I420,width=640,height=360,framerate=10/1',
    '!',
    ...toMp4(file),
  ]);
}

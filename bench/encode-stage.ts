/**
 * The camera side of glass-to-glass, measured in one process where each step's clock is the same: the test
 * camera's pattern renderer stamps a frame with Date.now() and draws it (capture), the frame is pushed into the
 * product's own encoder settings (x264 zerolatency, ultrafast, constrained baseline, the camera's GOP and
 * bitrate) and payloaded as RTP exactly as the camera worker does; an appsink takes the RTP packets. Nothing on
 * the way drops or reorders, so the n-th packet with the RTP marker bit (a frame's last packet) is the n-th
 * frame. Prints one JSON line: per frame, stamp → pushed (drawing) and pushed → last RTP packet out
 * (encode + payload).
 *
 * Run with Node's type stripping: `node bench/encode-stage.ts <w> <h> <fps> <frames>`; code comes from dist/.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Types only (erased when Node strips them); the code is loaded from dist/ below.
import type * as Runner from '../media/gst/runner.js';
import type * as Camera from '../media/pipelines/camera.js';
import type * as Sources from '../media/pipelines/sources.js';
import type * as Spec from '../media/pipelines/spec.js';
import type * as Pattern from '../media/test-pattern/pattern.js';
import type * as Ticker from '../media/test-pattern/ticker.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromDist = async <T>(file: string): Promise<T> =>
  (await import(pathToFileURL(path.join(root, 'dist/media', file)).href)) as T;

const { PipelineRunner } = await fromDist<typeof Runner>('gst/runner.js');
const { el, caps } = await fromDist<typeof Spec>('pipelines/spec.js');
const { testSource } = await fromDist<typeof Sources>('pipelines/sources.js');
const { encoderBitrate, keyframeInterval } = await fromDist<typeof Camera>('pipelines/camera.js');
const { createPatternRenderer } = await fromDist<typeof Pattern>('test-pattern/pattern.js');
const { startTicker } = await fromDist<typeof Ticker>('test-pattern/ticker.js');

const [w = '1280', h = '720', f = '30', n = '300'] = process.argv.slice(2);
const source = { kind: 'test' as const, width: Number(w), height: Number(h), fps: Number(f) };
const frames = Number(n);
const media = { codec: 'raw', width: source.width, height: source.height, fps: source.fps };

const runner = new PipelineRunner(
  {
    chains: [
      [
        ...testSource(source).nodes,
        el('x264enc', {
          tune: 'zerolatency',
          'speed-preset': 'ultrafast',
          'key-int-max': keyframeInterval(source.fps),
          bitrate: encoderBitrate(media),
        }),
        caps('video/x-h264', { profile: 'constrained-baseline' }),
        el('h264parse', { 'config-interval': -1 }),
        el('rtph264pay', { 'config-interval': -1, pt: 96 }),
        el('appsink', { sync: false, 'max-buffers': 0, 'enable-last-sample': false }, 'out'),
      ],
    ],
    properties: testSource(source).properties,
  },
  (message) => {
    if (message.type === 'error') {
      console.error('pipeline error', message);
      process.exit(1);
    }
  },
);

const stamps: number[] = [];
const pushes: number[] = [];
const outs: number[] = [];
runner.pull('out', (packet) => {
  // RTP byte 1, top bit: the marker, set on the last packet of a video frame.
  if (((packet[1] ?? 0) & 0x80) === 0) return;
  outs.push(Date.now());
  if (outs.length === frames) finish();
});
runner.play();
const renderer = createPatternRenderer(source.width, source.height, source.fps);
const appsrc = runner.appsrc('src');
const ticker = startTicker(source.fps, (index) => {
  if (stamps.length >= frames) return;
  const stamp = Date.now();
  const frame = renderer.render(index, stamp);
  pushes.push(Date.now());
  stamps.push(stamp);
  appsrc.push(frame);
});

function finish(): void {
  ticker.stop();
  const drawMs = pushes.map((at, i) => at - (stamps[i] ?? at));
  const encodeMs = outs.map((at, i) => at - (pushes[i] ?? at));
  process.stdout.write(`${JSON.stringify({ drawMs, encodeMs })}\n`);
  void runner.stop().then(() => process.exit(0));
}

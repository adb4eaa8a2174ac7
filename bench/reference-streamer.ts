/**
 * The bench's comparison paths, run as their own process inside the test namespace (so their bytes cross the
 * same veth as WebRTC's): the test camera's own pattern renderer at the same size and rate, then either
 *   mjpeg: jpegenc at every frame → multipart/x-mixed-replace to each client (newest frame wins), or
 *   hls:   the camera's own x264 settings (zerolatency, ultrafast, constrained baseline, GOP 1 s, same bitrate)
 *          → hlssink2 with 1 s segments in a RAM directory → plain HTTP, played with hls.js.
 * It also serves the page the bench samples from, so stamps are read from same-origin pixels.
 *
 * Run with Node's type stripping: `node bench/reference-streamer.ts <mjpeg|hls> <host> <port> <w> <h> <fps>`.
 * Product modules come from the build (dist/), which the bench builds first.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
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

const [mode, host = '127.0.0.1', portText = '0', w = '1280', h = '720', f = '30'] = process.argv.slice(2);
if (mode !== 'mjpeg' && mode !== 'hls') throw new Error('mode must be mjpeg or hls');
const source = {
  kind: 'test' as const,
  width: Number(w),
  height: Number(h),
  fps: Number(f),
};
/** JPEG quality for MJPEG: a typical camera default, visually close to the x264 stream. */
const JPEG_QUALITY = 85;
const media = { codec: 'raw', width: source.width, height: source.height, fps: source.fps };
const hlsDir = mkdtempSync('/dev/shm/vigil-bench-hls-');

const chains =
  mode === 'mjpeg'
    ? [
        [
          ...testSource(source).nodes,
          el('jpegenc', { quality: JPEG_QUALITY }),
          el('appsink', { sync: false, drop: true, 'max-buffers': 1, 'enable-last-sample': false }, 'out'),
        ],
      ]
    : [
        [
          ...testSource(source).nodes,
          el('x264enc', {
            tune: 'zerolatency',
            'speed-preset': 'ultrafast',
            // hlssink2 asks for a keyframe at every 1 s split; x264's own interval (the camera's, 1 s) would
            // land a frame early or late against it and leave 1-frame segments between, so it is doubled.
            'key-int-max': 2 * keyframeInterval(source.fps),
            bitrate: encoderBitrate(media),
          }),
          caps('video/x-h264', { profile: 'constrained-baseline' }),
          el('h264parse'),
          el('hlssink2', { 'target-duration': 1, 'playlist-length': 4, 'max-files': 8 }, 'hls'),
        ],
      ];
const description = {
  chains,
  properties: [
    ...testSource(source).properties,
    ...(mode === 'hls'
      ? [
          { element: 'hls', property: 'location', value: path.join(hlsDir, 'segment%05d.ts') },
          { element: 'hls', property: 'playlist-location', value: path.join(hlsDir, 'live.m3u8') },
        ]
      : []),
  ],
};

const clients = new Set<ServerResponse>();
const runner = new PipelineRunner(description, (message) => {
  if (message.type === 'error') {
    console.error('pipeline error', message);
    process.exit(1);
  }
});
if (mode === 'mjpeg') {
  runner.pull('out', (jpeg) => {
    for (const client of clients) {
      // A client still sending the previous picture skips this one, as a camera's MJPEG server does.
      if (client.writableNeedDrain) continue;
      client.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      client.write(jpeg);
      client.write('\r\n');
    }
  });
}
runner.play();
const renderer = createPatternRenderer(source.width, source.height, source.fps);
const appsrc = runner.appsrc('src');
const ticker = startTicker(source.fps, (index) => appsrc.push(renderer.render(index, Date.now())));

const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head>
<body style="margin:0;background:#000">${body}</body></html>`;
const pages: Record<string, string> = {
  mjpeg: page('<img id="media" src="/mjpeg" alt="">'),
  hls: page(`<video id="media" muted autoplay playsinline></video><script src="/hls.js"></script><script>
    const video = document.getElementById('media');
    const hls = new Hls();
    hls.loadSource('/hls/live.m3u8');
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  </script>`),
};

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (url === '/') {
    response.writeHead(200, { 'content-type': 'text/html' }).end(pages[mode]);
  } else if (url === '/hls.js') {
    response.writeHead(200, { 'content-type': 'text/javascript' });
    createReadStream(path.join(root, 'node_modules/hls.js/dist/hls.min.js')).pipe(response);
  } else if (url === '/mjpeg' && mode === 'mjpeg') {
    response.writeHead(200, {
      'content-type': 'multipart/x-mixed-replace; boundary=frame',
      'cache-control': 'no-store',
    });
    response.socket?.setNoDelay(true);
    clients.add(response);
    response.on('close', () => clients.delete(response));
  } else if (/^\/hls\/[a-z0-9]+\.(ts|m3u8)$/.test(url) && mode === 'hls') {
    const file = path.join(hlsDir, path.basename(url));
    const type = url.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
    const stream = createReadStream(file);
    stream.on('error', () => response.writeHead(404).end());
    stream.on('open', () => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      stream.pipe(response);
    });
  } else {
    response.writeHead(404).end();
  }
});
server.listen(Number(portText), host, () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : portText}`);
});

const shutdown = async () => {
  ticker.stop();
  server.close();
  for (const client of clients) client.destroy();
  await runner.stop();
  rmSync(hlsDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

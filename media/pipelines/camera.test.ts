import { describe, expect, it } from 'vitest';
import type { CameraSource } from '../protocol.js';
import {
  analysisSize,
  buildCameraPipeline,
  encoderBitrate,
  keyframeInterval,
  segmentLocation,
  segmentMaxTime,
  stillWidth,
  type CameraPipelineOptions,
} from './camera.js';
import type { MediaInfo } from './sources.js';
import { toLaunchString } from './spec.js';

const rtsp = (url: string, username?: string, password?: string): CameraSource => ({
  kind: 'rtsp',
  url,
  ...(username === undefined ? {} : { username }),
  ...(password === undefined ? {} : { password }),
  transport: 'tcp',
  latencyMs: 200,
});
const h264: MediaInfo = { codec: 'h264', width: 1920, height: 1080, fps: 25 };
const raw720: MediaInfo = { codec: 'raw', width: 1280, height: 720, fps: 30 };
const options = (source: CameraSource, media: MediaInfo): CameraPipelineOptions => ({
  source,
  media,
  rtp: { host: '127.0.0.1', port: 5004 },
  stills: { fps: 2, maxWidth: 640, quality: 80 },
});

const ENCODED_BRANCHES =
  't. ! queue name=liveq ! rtph264pay config-interval=-1 pt=96 ! udpsink name=rtp sync=false async=false ' +
  't. ! queue name=recq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! fakesink name=rec sync=false async=false ' +
  't. ! queue name=statsq leaky=downstream max-size-buffers=30 max-size-bytes=0 max-size-time=0 ! appsink name=stats sync=false async=false drop=true max-buffers=30 enable-last-sample=false';
const STILLS_TAIL =
  'videorate drop-only=true max-rate=2 ! videoscale ! videoconvert ! video/x-raw,format=I420,width=640,pixel-aspect-ratio=1/1 ! jpegenc quality=80 ! appsink name=stills sync=false async=false drop=true max-buffers=1 enable-last-sample=false';

describe('buildCameraPipeline', () => {
  it('passes RTSP H.264 through: depay + parse, no decoder on the live branch', () => {
    const pipeline = buildCameraPipeline(options(rtsp('rtsp://cam/1', 'admin', 'pw'), h264));
    expect(pipeline.transcoded).toBe(false);
    expect(pipeline.sourceCodec).toBe('h264');
    expect(toLaunchString(pipeline)).toBe(
      'rtspsrc name=src protocols=tcp latency=200 ! application/x-rtp,media=video,encoding-name=H264 ! rtph264depay ! ' +
        'tee name=depayed depayed. ! queue ! ' +
        'h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t ' +
        `${ENCODED_BRANCHES} ` +
        'depayed. ! queue leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=2000000000 ! h264parse ! avdec_h264 output-corrupt=false ! ' +
        STILLS_TAIL,
    );
    expect(pipeline.properties).toEqual([
      { element: 'src', property: 'location', value: 'rtsp://cam/1' },
      { element: 'src', property: 'user-id', value: 'admin', secret: true },
      { element: 'src', property: 'user-pw', value: 'pw', secret: true },
      { element: 'rtp', property: 'host', value: '127.0.0.1' },
      { element: 'rtp', property: 'port', value: 5004 },
    ]);
  });

  it('draws the test camera in JS: appsrc, one decode-free raw tee, x264 and the stills branch', () => {
    const pipeline = buildCameraPipeline(
      options({ kind: 'test', width: 1280, height: 720, fps: 30 }, raw720),
    );
    expect(pipeline.transcoded).toBe(true);
    expect(toLaunchString(pipeline)).toBe(
      'appsrc name=src is-live=true do-timestamp=true format=time block=false max-buffers=2 leaky-type=downstream ! ' +
        'video/x-raw,format=I420 ! tee name=raw ' +
        'raw. ! queue name=encq leaky=downstream max-size-buffers=3 max-size-bytes=0 max-size-time=0 ! ' +
        'x264enc name=enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=2212 ! ' +
        'video/x-h264,profile=constrained-baseline ! h264parse config-interval=-1 ! ' +
        'video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t ' +
        `${ENCODED_BRANCHES} ` +
        `raw. ! queue name=stillq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! ${STILLS_TAIL}`,
    );
    expect(pipeline.properties[0]).toEqual({
      element: 'src',
      property: 'caps',
      value: 'video/x-raw,format=I420,width=1280,height=720,framerate=30/1',
    });
  });

  it('decodes H.265 once and re-encodes it', () => {
    const pipeline = buildCameraPipeline(options(rtsp('rtsp://cam/1'), { ...h264, codec: 'h265' }));
    expect(pipeline).toMatchObject({ transcoded: true, sourceCodec: 'h265' });
    const launch = toLaunchString(pipeline);
    expect(launch).toMatch(
      /^rtspsrc .*encoding-name=H265 ! rtph265depay ! h265parse ! avdec_h265 ! videoconvert ! video\/x-raw,format=I420 ! tee name=raw /,
    );
    expect(launch.match(/avdec_/g)).toHaveLength(1);
    expect(launch).toContain('x264enc name=enc tune=zerolatency speed-preset=ultrafast key-int-max=25');
    expect(pipeline.properties.map((p) => p.property)).not.toContain('user-id');
  });

  it('decodes MJPEG with jpegdec and anything else with decodebin', () => {
    expect(
      toLaunchString(buildCameraPipeline(options(rtsp('rtsp://c'), { ...h264, codec: 'jpeg' }))),
    ).toContain('encoding-name=JPEG ! rtpjpegdepay ! jpegdec ! videoconvert');
    expect(
      toLaunchString(buildCameraPipeline(options(rtsp('rtsp://c'), { ...h264, codec: 'mpeg4' }))),
    ).toContain('application/x-rtp,media=video ! decodebin ! videoconvert');
  });

  it('plays files in real time and in a loop, restamped at their probed rate', () => {
    const pipeline = buildCameraPipeline(options({ kind: 'file', path: '/media/a.mp4' }, h264));
    expect(pipeline).toMatchObject({ transcoded: true, loops: true });
    expect(toLaunchString(pipeline)).toMatch(
      /^filesrc name=src ! decodebin ! videoconvert ! video\/x-raw,format=I420 ! videorate ! video\/x-raw,framerate=25\/1 ! clocksync ! tee name=raw /,
    );
    expect(pipeline.properties[0]).toEqual({ element: 'src', property: 'location', value: '/media/a.mp4' });
  });

  it('sets V4L2 size and rate hints as caps on a capsfilter, raw or MJPEG', () => {
    const pipeline = buildCameraPipeline(
      options({ kind: 'v4l2', device: '/dev/video2', width: 1280, height: 720, fps: 30 }, raw720),
    );
    expect(toLaunchString(pipeline)).toMatch(
      /^v4l2src name=src ! capsfilter name=hints ! decodebin ! videoconvert/,
    );
    expect(pipeline.properties.slice(0, 2)).toEqual([
      { element: 'src', property: 'device', value: '/dev/video2' },
      {
        element: 'hints',
        property: 'caps',
        value:
          'video/x-raw,width=1280,height=720,framerate=30/1;image/jpeg,width=1280,height=720,framerate=30/1',
      },
    ]);
    const bare = buildCameraPipeline(options({ kind: 'v4l2', device: '/dev/video0' }, raw720));
    expect(bare.properties.map((p) => p.element)).not.toContain('hints');
  });
});

describe('user values never reach the launch string', () => {
  const hostile = [
    'rtsp://cam/live ! filesrc location=/etc/shadow ! fakesink',
    'rtsp://cam/"quoted" \'single\' name=x',
    'rtsp://cam/a\nfakesrc ! fakesink',
    'rtsp://cam/with spaces and name=src t. ! queue',
    'rtsp://cam/${HOME}`id`;(x)',
  ];
  const reference = toLaunchString(buildCameraPipeline(options(rtsp('rtsp://cam/ok', 'u', 'p'), h264)));

  it.each(hostile)('RTSP URL %j changes no element', (url) => {
    const pipeline = buildCameraPipeline(options(rtsp(url, 'admin" ! fakesink', 'p w!=x\n'), h264));
    expect(toLaunchString(pipeline)).toBe(reference);
    expect(pipeline.properties).toContainEqual({ element: 'src', property: 'location', value: url });
    expect(pipeline.properties).toContainEqual({
      element: 'src',
      property: 'user-pw',
      value: 'p w!=x\n',
      secret: true,
    });
  });

  it.each(hostile.map((url) => url.replace('rtsp://cam', '/media')))(
    'file path %j changes no element',
    (path) => {
      const plain = toLaunchString(
        buildCameraPipeline(options({ kind: 'file', path: '/media/ok.mp4' }, h264)),
      );
      const pipeline = buildCameraPipeline(options({ kind: 'file', path }, h264));
      expect(toLaunchString(pipeline)).toBe(plain);
      expect(toLaunchString(pipeline)).not.toContain(path);
      expect(pipeline.properties).toContainEqual({ element: 'src', property: 'location', value: path });
    },
  );

  it('device paths are properties too', () => {
    const device = '/dev/video0 ! filesrc location=/etc/shadow';
    const pipeline = buildCameraPipeline(options({ kind: 'v4l2', device }, raw720));
    expect(toLaunchString(pipeline)).not.toContain('shadow');
    expect(pipeline.properties).toContainEqual({ element: 'src', property: 'device', value: device });
  });
});

describe('sizing', () => {
  it('keeps keyframes at most a second apart', () => {
    expect(keyframeInterval(30)).toBe(30);
    expect(keyframeInterval(12.5)).toBe(13);
    expect(keyframeInterval(null)).toBe(30);
    expect(keyframeInterval(0)).toBe(30);
    expect(keyframeInterval(240)).toBe(60);
  });

  it('scales the bitrate with pixels and frames, within bounds', () => {
    expect(encoderBitrate(raw720)).toBe(2212);
    expect(encoderBitrate({ codec: 'raw', width: 320, height: 240, fps: 15 })).toBe(500);
    expect(encoderBitrate({ codec: 'raw', width: 3840, height: 2160, fps: 30 })).toBe(8000);
    expect(encoderBitrate({ codec: 'raw', width: null, height: null, fps: null })).toBe(2048);
  });

  it('never makes stills wider than the source or the limit, and keeps them even', () => {
    expect(stillWidth(raw720, 640)).toBe(640);
    expect(stillWidth({ ...raw720, width: 321 }, 640)).toBe(320);
    expect(stillWidth({ ...raw720, width: null }, 480)).toBe(480);
  });
});

describe('the analysis branch (detection on)', () => {
  const analysis = { socket: '/run/vigil/frames.sock', maxWidth: 640, fps: 5, idleFps: 2 };
  const ANALYSIS_TAIL = (width: number, height: number) =>
    `videorate drop-only=true max-rate=5 ! videoscale ! videoconvert ! video/x-raw,format=RGB,width=${width},height=${height},pixel-aspect-ratio=1/1 ! ` +
    'appsink name=analysis sync=false async=false drop=true max-buffers=1 enable-last-sample=false';

  it('decodes RTSP H.264 once, for both the stills and the analysis frames', () => {
    const launch = toLaunchString(buildCameraPipeline({ ...options(rtsp('rtsp://cam/1'), h264), analysis }));
    expect(launch.match(/avdec_h264/g)).toHaveLength(1);
    expect(launch).toContain('h264parse ! avdec_h264 output-corrupt=false ! tee name=raw');
    expect(launch).toContain(
      `raw. ! queue name=stillq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! ${STILLS_TAIL}`,
    );
    expect(launch).toContain(
      `raw. ! queue name=analysisq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! ${ANALYSIS_TAIL(640, 360)}`,
    );
  });

  it('taps the raw tee of a transcoded camera, never wider than asked, width a multiple of 4', () => {
    const launch = toLaunchString(
      buildCameraPipeline({
        ...options(
          { kind: 'test', width: 1000, height: 750, fps: 10 },
          { codec: 'raw', width: 1000, height: 750, fps: 10 },
        ),
        analysis: { ...analysis, maxWidth: 320 },
      }),
    );
    expect(launch).toContain(
      `raw. ! queue name=analysisq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! ${ANALYSIS_TAIL(320, 240)}`,
    );
    expect(analysisSize({ codec: 'raw', width: 642, height: 480, fps: 10 }, 1920)).toEqual({
      width: 640,
      height: 478,
    });
  });

  it('has no analysis branch while detection is off', () => {
    expect(toLaunchString(buildCameraPipeline(options(rtsp('rtsp://cam/1'), h264)))).not.toContain(
      'analysis',
    );
  });
});

describe('the recording branch (segments on)', () => {
  const segments = { dir: '/run/vigil/cache/camera-1/s1', seconds: 2 };
  const test15 = { kind: 'test', width: 320, height: 240, fps: 15 } as const;
  const raw15: MediaInfo = { codec: 'raw', width: 320, height: 240, fps: 15 };
  const PLACEHOLDER =
    't. ! queue name=recq leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! fakesink name=rec sync=false async=false';
  const RECORDING =
    't. ! queue name=recq leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! ' +
    'splitmuxsink name=rec muxer-factory=mpegtsmux max-size-time=2966666667';

  it("cuts the x264 branch's own output into MPEG-TS files, on a queue that drops only after 3 s", () => {
    const pipeline = buildCameraPipeline({ ...options(test15, raw15), segments });
    const launch = toLaunchString(pipeline);
    expect(launch).toContain(`tee name=t ${ENCODED_BRANCHES.replace(PLACEHOLDER, RECORDING)}`);
    expect(launch.match(/x264enc/g)).toHaveLength(1);
    expect(launch).not.toContain('fakesink');
    expect(pipeline.properties).toContainEqual({
      element: 'rec',
      property: 'location',
      value: '/run/vigil/cache/camera-1/s1/%08d.ts',
    });
  });

  it('records RTSP H.264 as the camera sent it: no encoder, one decoder (the stills)', () => {
    const pipeline = buildCameraPipeline({ ...options(rtsp('rtsp://cam/1'), h264), segments });
    const launch = toLaunchString(pipeline);
    expect(pipeline.transcoded).toBe(false);
    expect(launch).not.toContain('x264enc');
    expect(launch.match(/avdec_h264/g)).toHaveLength(1);
    expect(launch).toContain(
      'tee name=t t. ! queue name=liveq ! rtph264pay config-interval=-1 pt=96 ! udpsink name=rtp sync=false async=false ' +
        't. ! queue name=recq leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! ' +
        'splitmuxsink name=rec muxer-factory=mpegtsmux max-size-time=2980000000 ',
    );
  });

  it('keeps an RTSP camera’s AAC beside its H.264 when the probe saw it, and only then', () => {
    const aac = { ...h264, audio: 'aac' as const };
    const launch = toLaunchString(buildCameraPipeline({ ...options(rtsp('rtsp://cam/1'), aac), segments }));
    expect(launch).toContain(
      'src. ! application/x-rtp,media=audio,encoding-name=MPEG4-GENERIC ! rtpmp4gdepay ! aacparse ! ' +
        'queue leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! rec.audio_%u',
    );
    expect(launch).not.toMatch(/avenc|avdec_aac/);
    for (const without of [
      buildCameraPipeline({ ...options(rtsp('rtsp://cam/1'), h264), segments }),
      buildCameraPipeline(options(rtsp('rtsp://cam/1'), aac)),
    ])
      expect(toLaunchString(without)).not.toContain('rtpmp4gdepay');
  });

  it('turns a camera’s G.711 into AAC for the recording (MPEG-TS has no G.711)', () => {
    for (const [audio, encoding, depay, decoder] of [
      ['pcma', 'PCMA', 'rtppcmadepay', 'alawdec'],
      ['pcmu', 'PCMU', 'rtppcmudepay', 'mulawdec'],
    ] as const) {
      const media = { ...h264, audio };
      const launch = toLaunchString(
        buildCameraPipeline({ ...options(rtsp('rtsp://cam/1'), media), segments }),
      );
      expect(launch).toContain(
        `src. ! application/x-rtp,media=audio,encoding-name=${encoding} ! ${depay} ! ${decoder} ! ` +
          'audioconvert ! audioresample ! avenc_aac ! aacparse ! queue leaky=downstream',
      );
      expect(launch).toContain(' ! rec.audio_%u');
    }
  });

  it('keeps the fakesink placeholder while recording is off', () => {
    const launch = toLaunchString(buildCameraPipeline(options(test15, raw15)));
    expect(launch).toContain(PLACEHOLDER);
    expect(launch).not.toContain('splitmuxsink');
  });

  it.each([
    '/run/vigil/cache/x ! filesrc location=/etc/shadow',
    '/run/vigil/cache/"q" name=src',
    '/run/vigil/cache/a\nfakesrc ! fakesink',
  ])('directory %j changes no element', (dir) => {
    const plain = toLaunchString(buildCameraPipeline({ ...options(test15, raw15), segments }));
    const pipeline = buildCameraPipeline({ ...options(test15, raw15), segments: { dir, seconds: 2 } });
    expect(toLaunchString(pipeline)).toBe(plain);
    expect(pipeline.properties).toContainEqual({
      element: 'rec',
      property: 'location',
      value: `${dir}/%08d.ts`,
    });
  });

  it("escapes % in the directory for splitmuxsink's printf and drops a trailing slash", () => {
    expect(segmentLocation('/cache/100%d/')).toBe('/cache/100%%d/%08d.ts');
    expect(segmentLocation('/cache/cam')).toBe('/cache/cam/%08d.ts');
  });

  it('allows a GOP past the target less half a frame, so files end at the first keyframe at or after it', () => {
    expect(segmentMaxTime(2, 15)).toBe(2_966_666_667);
    // 12.5 fps: 13-frame GOPs of 1.04 s; two (2.08 s) fit, three (3.12 s) do not.
    expect(segmentMaxTime(2, 12.5)).toBe(3_000_000_000);
    expect(segmentMaxTime(6, null)).toBe(6_983_333_333);
  });
});

import { describe, expect, it } from 'vitest';
import {
  audioCodecFromCaps,
  buildProbePipeline,
  isSupportedCodec,
  mediaInfoFromCaps,
  parseFramerate,
} from './probe.js';
import { VIDEO_ONLY_CAPS } from './sources.js';
import { toLaunchString } from './spec.js';

describe('buildProbePipeline', () => {
  it('parses (never decodes) an RTSP stream, with the TCP timeout following the deadline, and looks for audio', () => {
    const probe = buildProbePipeline(
      { kind: 'rtsp', url: 'rtsp://cam/x', password: 'pw', transport: 'udp', latencyMs: 0 },
      4000,
    );
    expect(probe && toLaunchString(probe)).toBe(
      'rtspsrc name=src protocols=udp latency=0 tcp-timeout=4000000 ! application/x-rtp,media=video ! parsebin ! ' +
        'appsink name=probe sync=false async=false drop=true max-buffers=1 enable-last-sample=false ' +
        'src. ! application/x-rtp,media=audio ! ' +
        'appsink name=probeaudio sync=false async=false drop=true max-buffers=1 enable-last-sample=false',
    );
    expect(probe?.properties).toEqual([
      { element: 'src', property: 'location', value: 'rtsp://cam/x' },
      { element: 'src', property: 'user-pw', value: 'pw', secret: true },
    ]);
  });

  it('links only a video stream of a file', () => {
    const probe = buildProbePipeline({ kind: 'file', path: '/m/a b.mp4' }, 4000);
    expect(probe && toLaunchString(probe)).toMatch(
      /^filesrc name=src ! parsebin ! capsfilter name=videoonly ! appsink/,
    );
    expect(probe?.properties).toContainEqual({
      element: 'videoonly',
      property: 'caps',
      value: VIDEO_ONLY_CAPS,
    });
  });

  it('needs no pipeline for the test camera', () => {
    expect(buildProbePipeline({ kind: 'test', width: 640, height: 360, fps: 10 }, 1000)).toBeNull();
  });
});

describe('audioCodecFromCaps', () => {
  it('names the audio a recording keeps, and nothing else', () => {
    const rtp = (encoding: string) => ({
      name: 'application/x-rtp',
      media: 'audio',
      'encoding-name': encoding,
    });
    expect(audioCodecFromCaps(rtp('MPEG4-GENERIC'))).toBe('aac');
    expect(audioCodecFromCaps(rtp('PCMA'))).toBe('pcma');
    expect(audioCodecFromCaps(rtp('pcmu'))).toBe('pcmu');
    expect(audioCodecFromCaps(rtp('G726-32'))).toBeNull();
    expect(audioCodecFromCaps({ name: 'application/x-rtp' })).toBeNull();
  });
});

describe('mediaInfoFromCaps', () => {
  it('reads H.264 from parsebin caps as observed from the RTSP test server', () => {
    expect(
      mediaInfoFromCaps({
        name: 'video/x-h264',
        'stream-format': 'avc',
        alignment: 'au',
        'pixel-aspect-ratio': '1/1',
        width: 320,
        height: 240,
        framerate: '15/1',
        profile: 'constrained-baseline',
      }),
    ).toEqual({ codec: 'h264', width: 320, height: 240, fps: 15 });
  });

  it('names H.265, MJPEG, MPEG-4 and raw streams', () => {
    expect(mediaInfoFromCaps({ name: 'video/x-h265', width: 1920, height: 1080, framerate: '0/1' })).toEqual({
      codec: 'h265',
      width: 1920,
      height: 1080,
      fps: null,
    });
    expect(mediaInfoFromCaps({ name: 'image/jpeg', parsed: true })?.codec).toBe('jpeg');
    expect(mediaInfoFromCaps({ name: 'video/mpeg', mpegversion: 4 })?.codec).toBe('mpeg4');
    expect(mediaInfoFromCaps({ name: 'video/x-raw', format: 'YUY2', width: 640 })).toMatchObject({
      codec: 'raw',
      width: 640,
      height: null,
    });
  });

  it('marks RTP that nothing could depayload as unsupported', () => {
    const info = mediaInfoFromCaps({ name: 'application/x-rtp', 'encoding-name': 'WEIRD' });
    expect(info?.codec).toBe('rtp-weird');
    expect(isSupportedCodec(info?.codec ?? '')).toBe(false);
    expect(isSupportedCodec('h265')).toBe(true);
  });

  it('returns null for an empty sample', () => {
    expect(mediaInfoFromCaps({})).toBeNull();
  });
});

describe('parseFramerate', () => {
  it.each([
    ['30/1', 30],
    ['30000/1001', 29.97],
    ['0/1', null],
    ['25', null],
    [25, null],
  ])('%j → %j', (value, fps) => {
    expect(parseFramerate(value)).toBe(fps);
  });
});

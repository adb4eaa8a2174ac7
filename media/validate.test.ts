import { describe, expect, it } from 'vitest';
import { BadConfigError, parseServerMessage, parseSource } from './validate.js';

const start = {
  type: 'start',
  cameraId: 3,
  source: { kind: 'test', width: 1280, height: 720, fps: 30 },
  rtp: { host: '127.0.0.1', port: 5004 },
  stills: { fps: 2, maxWidth: 640, quality: 80 },
};

describe('parseServerMessage', () => {
  it('accepts start, probe, keyframe and stop', () => {
    expect(parseServerMessage(start)).toEqual(start);
    expect(parseServerMessage({ type: 'stop' })).toEqual({ type: 'stop' });
    expect(parseServerMessage({ type: 'keyframe', extra: 1 })).toEqual({ type: 'keyframe' });
    expect(
      parseServerMessage({ type: 'probe', source: { kind: 'file', path: '/m/a.mp4' }, timeoutMs: 5000 }),
    ).toEqual({ type: 'probe', source: { kind: 'file', path: '/m/a.mp4' }, timeoutMs: 5000 });
  });

  it.each([
    ['not an object', 'start'],
    ['an unknown type', { type: 'restart' }],
    ['RTP to another host', { ...start, rtp: { host: '10.0.0.1', port: 5004 } }],
    ['a port out of range', { ...start, rtp: { host: '127.0.0.1', port: 70000 } }],
    ['a fractional width', { ...start, source: { kind: 'test', width: 1280.5, height: 720, fps: 30 } }],
    ['an odd test size', { ...start, source: { kind: 'test', width: 1279, height: 720, fps: 30 } }],
    ['still quality 0', { ...start, stills: { fps: 2, maxWidth: 640, quality: 0 } }],
    ['a probe without timeout', { type: 'probe', source: { kind: 'file', path: '/a' } }],
  ])('refuses %s', (_what, message) => {
    expect(() => parseServerMessage(message)).toThrow(BadConfigError);
  });
});

describe('parseSource', () => {
  const rtsp = { kind: 'rtsp', url: 'rtsp://10.0.0.5:554/live', transport: 'tcp', latencyMs: 200 };

  it('keeps RTSP credentials apart from the URL', () => {
    expect(parseSource({ ...rtsp, username: 'admin', password: 'p@ss' })).toEqual({
      ...rtsp,
      username: 'admin',
      password: 'p@ss',
    });
    expect(() => parseSource({ ...rtsp, url: 'rtsp://admin:pw@10.0.0.5/live' })).toThrow(/credentials/);
  });

  it.each([
    ['an http URL', { ...rtsp, url: 'http://cam/x' }],
    ['a URL with a line break (RTSP header injection)', { ...rtsp, url: 'rtsp://cam/x\r\nX-Evil: 1' }],
    ['a password with a line break', { ...rtsp, password: 'a\nb' }],
    ['an unknown transport', { ...rtsp, transport: 'http' }],
    ['a relative file path', { kind: 'file', path: 'a.mp4' }],
    ['a device outside /dev', { kind: 'v4l2', device: '/etc/passwd' }],
    ['an unknown kind', { kind: 'ndi' }],
  ])('refuses %s', (_what, source) => {
    expect(() => parseSource(source)).toThrow(BadConfigError);
  });

  it('keeps only the V4L2 hints that were given', () => {
    expect(parseSource({ kind: 'v4l2', device: '/dev/video0', fps: 15 })).toEqual({
      kind: 'v4l2',
      device: '/dev/video0',
      fps: 15,
    });
  });
});

describe('parseServerMessage: the analysis settings', () => {
  const start = (analysis: unknown) => ({
    type: 'start',
    cameraId: 4,
    source: { kind: 'test', width: 640, height: 360, fps: 10 },
    rtp: { host: '127.0.0.1', port: 5004 },
    stills: { fps: 2, maxWidth: 640, quality: 80 },
    analysis,
  });

  it('keeps valid analysis settings and leaves them out when absent', () => {
    const analysis = { socket: '/run/vigil/frames.sock', maxWidth: 640, fps: 5, idleFps: 1 };
    expect(parseServerMessage(start(analysis))).toMatchObject({ analysis });
    expect(parseServerMessage(start(undefined))).not.toHaveProperty('analysis');
  });

  it('refuses a relative socket path and a width that packed RGB rows would pad', () => {
    expect(() =>
      parseServerMessage(start({ socket: 'frames.sock', maxWidth: 640, fps: 5, idleFps: 1 })),
    ).toThrow(/absolute path/);
    expect(() => parseServerMessage(start({ socket: '/f.sock', maxWidth: 642, fps: 5, idleFps: 1 }))).toThrow(
      /multiple of 4/,
    );
    expect(() => parseServerMessage(start({ socket: '/f.sock', maxWidth: 640, fps: 0, idleFps: 1 }))).toThrow(
      BadConfigError,
    );
  });
});

describe('parseServerMessage: the segment settings', () => {
  const withSegments = (segments: unknown) => ({ ...start, segments });

  it('keeps valid segment settings and leaves them out when absent', () => {
    const segments = { dir: '/run/vigil/cache/camera-3/1733', seconds: 2.5 };
    expect(parseServerMessage(withSegments(segments))).toEqual({ ...start, segments });
    expect(parseServerMessage(withSegments(undefined))).not.toHaveProperty('segments');
  });

  it.each([
    ['not an object', '/run/vigil/cache'],
    ['a relative directory', { dir: 'cache/camera-3', seconds: 2 }],
    ['a directory that climbs out', { dir: '/run/vigil/cache/../../etc', seconds: 2 }],
    ['a directory ending in ..', { dir: '/run/vigil/cache/..', seconds: 2 }],
    ['a directory with a line break', { dir: '/run/vigil/cache\n/x', seconds: 2 }],
    ['no directory', { seconds: 2 }],
    ['segments shorter than 2 s', { dir: '/run/vigil/cache', seconds: 1.5 }],
    ['segments longer than 6 s', { dir: '/run/vigil/cache', seconds: 7 }],
    ['seconds as a string', { dir: '/run/vigil/cache', seconds: '2' }],
  ])('refuses %s', (_what, segments) => {
    expect(() => parseServerMessage(withSegments(segments))).toThrow(BadConfigError);
  });
});

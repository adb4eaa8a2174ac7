import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCameraSource } from './camera-source.js';

const mediaDir = mkdtempSync(path.join(tmpdir(), 'vigil-media-'));
mkdirSync(path.join(mediaDir, 'clips'));
writeFileSync(path.join(mediaDir, 'clips', 'door.mp4'), 'x');
writeFileSync(path.join(path.dirname(mediaDir), 'outside.mp4'), 'x');
symlinkSync(path.join(path.dirname(mediaDir), 'outside.mp4'), path.join(mediaDir, 'escape.mp4'));
afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? 'threw';
  }
};

describe('checkCameraSource', () => {
  it('accepts rtsp and rtsps, and moves credentials out of the URL', () => {
    const fields = checkCameraSource(
      { kind: 'rtsp', url: 'rtsp://admin:p%40ss@192.168.1.20:554/stream1' },
      mediaDir,
    );
    expect(fields).toMatchObject({
      url: 'rtsp://192.168.1.20:554/stream1',
      username: 'admin',
      password: 'p@ss',
    });
    expect(checkCameraSource({ kind: 'rtsp', url: 'rtsps://cam.local/live' }, mediaDir).url).toBe(
      'rtsps://cam.local/live',
    );
  });

  it.each([
    'http://192.168.1.20/',
    'file:///etc/passwd',
    'gopher://x:70/',
    'ftp://cam/',
    'rtsp://',
    'not a url',
    'javascript:alert(1)',
    'rtmp://cam/live',
    'udp://239.0.0.1:5000',
  ])('refuses %s', (url) => {
    expect(code(() => checkCameraSource({ kind: 'rtsp', url }, mediaDir))).toBe('INVALID_SOURCE');
  });

  it('accepts only V4L2 device nodes for USB cameras', () => {
    expect(checkCameraSource({ kind: 'v4l2', device: '/dev/video0' }, mediaDir).device).toBe('/dev/video0');
    for (const device of ['/dev/sda', '/etc/passwd', '/dev/video0/../sda', 'video0']) {
      expect(code(() => checkCameraSource({ kind: 'v4l2', device }, mediaDir))).toBe('INVALID_SOURCE');
    }
  });

  it('accepts files inside the media folder only', () => {
    expect(checkCameraSource({ kind: 'file', path: 'clips/door.mp4' }, mediaDir).path).toBe('clips/door.mp4');
    expect(
      checkCameraSource({ kind: 'file', path: path.join(mediaDir, 'clips/door.mp4') }, mediaDir).path,
    ).toBe('clips/door.mp4');
    expect(code(() => checkCameraSource({ kind: 'file', path: '../outside.mp4' }, mediaDir))).toBe(
      'INVALID_SOURCE',
    );
    expect(code(() => checkCameraSource({ kind: 'file', path: '/etc/passwd' }, mediaDir))).toBe(
      'INVALID_SOURCE',
    );
    expect(code(() => checkCameraSource({ kind: 'file', path: 'escape.mp4' }, mediaDir))).toBe(
      'INVALID_SOURCE',
    );
    expect(code(() => checkCameraSource({ kind: 'file', path: 'clips' }, mediaDir))).toBe('INVALID_SOURCE');
    expect(code(() => checkCameraSource({ kind: 'file', path: 'nope.mp4' }, mediaDir))).toBe('NOT_FOUND');
  });

  it('gives the test camera 720p30 by default and drops credentials from non-RTSP kinds', () => {
    expect(checkCameraSource({ kind: 'test', username: 'x', password: 'y' }, mediaDir)).toMatchObject({
      width: 1280,
      height: 720,
      fps: 30,
      username: null,
      password: null,
    });
  });
});

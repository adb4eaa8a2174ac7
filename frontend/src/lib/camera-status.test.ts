import { describe, expect, it } from 'vitest';
import type { Camera } from '../api/types';
import { badgeClass, cameraSource, cameraStatusBadge, liveTileBadge } from './camera-status';

const options: Camera['options'] = { width: null, height: null, fps: null, transport: 'tcp', latencyMs: 200 };
const source = (patch: Partial<Pick<Camera, 'kind' | 'url' | 'device' | 'path' | 'options'>>) => ({
  kind: 'test' as const,
  url: null,
  device: null,
  path: null,
  options,
  ...patch,
});

describe('liveTileBadge', () => {
  it("shows the camera's own trouble before the connection's", () => {
    const offline = {
      status: 'offline',
      problem: { code: 'UNREACHABLE', message: 'No route to host.' },
    } as const;
    expect(liveTileBadge(offline, 'live')).toMatchObject({ label: 'offline', tone: 'danger' });
    expect(liveTileBadge(offline, 'live').detail).toMatch(/could not be reached/);
    const odd = {
      status: 'offline',
      problem: { code: 'LENS_DIRTY', message: 'The lens is dirty.' },
    } as const;
    expect(liveTileBadge(odd, 'live').detail).toBe('The lens is dirty.');
    expect(liveTileBadge({ status: 'error', problem: null }, 'connecting')).toMatchObject({
      label: 'error',
      detail: expect.stringMatching(/stopped/) as unknown,
    });
  });

  it('says starting until video arrives', () => {
    expect(liveTileBadge({ status: 'starting', problem: null }, 'connecting').label).toBe('starting');
    expect(liveTileBadge({ status: 'starting', problem: null }, 'live').label).toBe('live');
  });

  it('follows the connection for a live camera', () => {
    const camera = { status: 'live', problem: null } as const;
    expect(liveTileBadge(camera, 'live')).toMatchObject({ label: 'live', tone: 'success' });
    expect(liveTileBadge(camera, 'connecting').label).toBe('connecting');
    expect(liveTileBadge(camera, 'retrying').label).toBe('reconnecting');
    expect(liveTileBadge(camera, 'mjpeg')).toMatchObject({
      label: 'pictures only',
      detail: expect.any(String) as unknown,
    });
    expect(liveTileBadge(camera, 'failed')).toMatchObject({ label: 'error', tone: 'danger' });
  });
});

describe('cameraStatusBadge', () => {
  it('maps every status', () => {
    expect(cameraStatusBadge({ status: 'live', problem: null }).tone).toBe('success');
    expect(cameraStatusBadge({ status: 'starting', problem: null }).tone).toBe('warning');
    expect(cameraStatusBadge({ status: 'disabled', problem: null })).toMatchObject({ label: 'switched off' });
    expect(badgeClass('neutral')).toBe('badge');
    expect(badgeClass('danger')).toBe('badge badge-danger');
  });
});

describe('cameraSource', () => {
  it('summarises each kind', () => {
    expect(cameraSource(source({ kind: 'rtsp', url: 'rtsp://10.0.0.5/stream1' }))).toBe(
      'rtsp://10.0.0.5/stream1',
    );
    expect(cameraSource(source({ kind: 'v4l2', device: '/dev/video0' }))).toBe('/dev/video0');
    expect(
      cameraSource(
        source({
          kind: 'v4l2',
          device: '/dev/video2',
          options: { ...options, width: 640, height: 480, fps: 15 },
        }),
      ),
    ).toBe('/dev/video2, 640×480 at 15 fps');
    expect(cameraSource(source({ kind: 'file', path: 'garden.mp4' }))).toBe('garden.mp4');
    expect(cameraSource(source({ options: { ...options, width: 1280, height: 720, fps: 30 } }))).toBe(
      'Test pattern, 1280×720 at 30 fps',
    );
    expect(cameraSource(source({}))).toBe('Test pattern');
  });
});

import { describe, expect, it } from 'vitest';
import type { Camera } from '../api/types';
import {
  createBody,
  draftFromCamera,
  draftProblems,
  emptyDraft,
  parseWhole,
  patchBody,
  probeBody,
  probeTarget,
  sourceProblems,
  splitUrlCredentials,
  type CameraDraft,
} from './camera-form';

const camera = (patch: Partial<Camera> = {}): Camera => ({
  id: 7,
  name: 'Porch',
  kind: 'rtsp',
  url: 'rtsp://10.0.0.5:554/stream1',
  device: null,
  path: null,
  hasCredentials: true,
  enabled: true,
  detect: false,
  analysis: null,
  recording: { mode: 'off', state: 'off', reason: null, lastKeptAt: null },
  options: { width: null, height: null, fps: null, transport: 'tcp', latencyMs: 200 },
  status: 'live',
  problem: null,
  fps: 25,
  bitrateKbps: 2000,
  resolution: { width: 1920, height: 1080 },
  codec: 'h264',
  transcoded: false,
  lastFrameAt: '2026-01-01T00:00:00.000Z',
  restarts: 0,
  keyframeIntervalS: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});

const draft = (patch: Partial<CameraDraft>): CameraDraft => ({ ...emptyDraft(), name: 'Cam', ...patch });

describe('splitUrlCredentials', () => {
  it('moves credentials out of the URL, decoding them', () => {
    expect(splitUrlCredentials(' rtsp://admin:p%40ss%3Aword@10.0.0.5:554/Streaming/101 ')).toEqual({
      url: 'rtsp://10.0.0.5:554/Streaming/101',
      username: 'admin',
      password: 'p@ss:word',
    });
    expect(splitUrlCredentials('rtsps://viewer@cam.local/live')).toEqual({
      url: 'rtsps://cam.local/live',
      username: 'viewer',
      password: null,
    });
  });

  it('leaves URLs without credentials, and text that is no URL, alone', () => {
    expect(splitUrlCredentials('rtsp://10.0.0.5/live')).toEqual({
      url: 'rtsp://10.0.0.5/live',
      username: null,
      password: null,
    });
    expect(splitUrlCredentials('not a url')).toEqual({ url: 'not a url', username: null, password: null });
  });
});

describe('parseWhole', () => {
  it('reads whole numbers only', () => {
    expect(parseWhole(' 720 ')).toBe(720);
    expect(parseWhole('')).toBeUndefined();
    expect(parseWhole('12.5')).toBeNaN();
    expect(parseWhole('-1')).toBeNaN();
    expect(parseWhole('1e3')).toBeNaN();
  });
});

describe('draftProblems', () => {
  it('needs a name and checks only the fields of the kind', () => {
    const problems = draftProblems(draft({ name: ' ', kind: 'test', url: 'nonsense' }));
    expect(problems.name).toBe('Enter a name.');
    expect(problems.url).toBeNull();
    expect(draftProblems(draft({ name: 'x'.repeat(65) })).name).toMatch(/at most 64/);
  });

  it('checks RTSP addresses', () => {
    expect(sourceProblems(draft({ url: '' })).url).toMatch(/rtsp:\/\//);
    expect(sourceProblems(draft({ url: 'http://10.0.0.5/x' })).url).toMatch(/Only rtsp/);
    expect(sourceProblems(draft({ url: '10.0.0.5/stream' })).url).toMatch(/not a valid address/);
    expect(sourceProblems(draft({ url: 'rtsp://10.0.0.5/stream' })).url).toBeNull();
    expect(sourceProblems(draft({ url: 'rtsp://10.0.0.5/', latencyMs: '9000' })).latencyMs).toMatch(
      /0 to 5000/,
    );
  });

  it('checks USB devices, files and sizes', () => {
    expect(sourceProblems(draft({ kind: 'v4l2', device: '/dev/sda' })).device).toMatch(/\/dev\/video0/);
    expect(sourceProblems(draft({ kind: 'v4l2', device: '/dev/video1' })).device).toBeNull();
    expect(sourceProblems(draft({ kind: 'file', path: '' })).path).toMatch(/media folder/);
    const sizes = sourceProblems(draft({ kind: 'test', width: '640', fps: '500' }));
    expect(sizes.height).toMatch(/both width and height/);
    expect(sizes.fps).toMatch(/1 to 120/);
    expect(sourceProblems(draft({ kind: 'test', width: '8', height: '720' })).width).toMatch(/16 to 7680/);
  });

  it('lets a saved size be cleared on edit: blank means the camera default', () => {
    const saved = camera({
      kind: 'test',
      url: null,
      options: { ...camera().options, width: 640, height: 480, fps: 15 },
    });
    expect(sourceProblems({ ...draftFromCamera(saved), fps: '' }).fps).toBeNull();
    // Width and height still go together.
    expect(sourceProblems({ ...draftFromCamera(saved), width: '' }).width).toMatch(/both width and height/);
  });
});

describe('createBody and probeBody', () => {
  it('sends only the fields of the kind, with credentials moved out of the URL', () => {
    const rtsp = draft({ url: 'rtsp://admin:secret@10.0.0.5/live', transport: 'udp', width: '640' });
    expect(createBody(rtsp)).toEqual({
      name: 'Cam',
      kind: 'rtsp',
      enabled: true,
      url: 'rtsp://10.0.0.5/live',
      username: 'admin',
      password: 'secret',
      transport: 'udp',
      latencyMs: 200,
    });
    expect(probeBody(rtsp)).toEqual({
      kind: 'rtsp',
      url: 'rtsp://10.0.0.5/live',
      username: 'admin',
      password: 'secret',
      transport: 'udp',
      latencyMs: 200,
    });
  });

  it('lets typed credentials win over those in the URL, and leaves out absent ones', () => {
    const body = createBody(draft({ url: 'rtsp://old:old@10.0.0.5/live', username: 'new' }));
    expect(body).toMatchObject({ username: 'new', password: 'old' });
    expect(createBody(draft({ url: 'rtsp://10.0.0.5/live' }))).not.toHaveProperty('username');
  });

  it('lets the server apply test defaults', () => {
    expect(createBody(draft({ name: ' Test camera ', kind: 'test' }))).toEqual({
      name: 'Test camera',
      kind: 'test',
      enabled: true,
    });
    expect(createBody(draft({ kind: 'v4l2', device: ' /dev/video0 ', width: '640', height: '480' }))).toEqual(
      {
        name: 'Cam',
        kind: 'v4l2',
        enabled: true,
        device: '/dev/video0',
        width: 640,
        height: 480,
      },
    );
    expect(createBody(draft({ kind: 'file', path: 'garden.mp4' }))).toMatchObject({ path: 'garden.mp4' });
  });
});

describe('patchBody', () => {
  it('is null when nothing changed, keeping saved credentials', () => {
    const saved = camera();
    expect(patchBody(draftFromCamera(saved), saved)).toBeNull();
  });

  it('sends only what changed', () => {
    const saved = camera();
    expect(
      patchBody({ ...draftFromCamera(saved), name: 'Front porch', enabled: false, latencyMs: '500' }, saved),
    ).toEqual({ name: 'Front porch', enabled: false, latencyMs: 500 });
  });

  it('replaces, keeps or clears credentials', () => {
    const saved = camera();
    expect(patchBody({ ...draftFromCamera(saved), password: 'new secret' }, saved)).toEqual({
      password: 'new secret',
    });
    expect(patchBody({ ...draftFromCamera(saved), clearCredentials: true, username: 'x' }, saved)).toEqual({
      username: null,
      password: null,
    });
    expect(
      patchBody({ ...draftFromCamera(saved), url: 'rtsp://cam:pw@10.0.0.5:554/stream1' }, saved),
    ).toEqual({ username: 'cam', password: 'pw' });
  });

  it('never sends credentials for other kinds', () => {
    const saved = camera({
      kind: 'test',
      url: null,
      hasCredentials: false,
      options: { ...camera().options, width: 1280, height: 720, fps: 30 },
    });
    expect(patchBody({ ...draftFromCamera(saved), fps: '10', username: 'x' }, saved)).toEqual({ fps: 10 });
  });

  it('clears saved hints with null, so the camera goes back to its own default', () => {
    const saved = camera({
      kind: 'v4l2',
      url: null,
      device: '/dev/video0',
      hasCredentials: false,
      options: { ...camera().options, width: 1280, height: 720, fps: 30 },
    });
    expect(patchBody({ ...draftFromCamera(saved), width: '', height: '', fps: ' ' }, saved)).toEqual({
      width: null,
      height: null,
      fps: null,
    });
    // Blank hints that were never set send nothing.
    const unset = camera({ kind: 'test', url: null, hasCredentials: false });
    expect(patchBody(draftFromCamera(unset), unset)).toBeNull();
  });

  it('never sends hints for an RTSP camera, whose size comes from the stream', () => {
    const saved = camera();
    expect(patchBody({ ...draftFromCamera(saved), width: '640', height: '480' }, saved)).toBeNull();
  });
});

describe('probeTarget', () => {
  it('tests a new camera from the draft', () => {
    const body = draft({ url: 'rtsp://10.0.0.5/live' });
    expect(probeTarget(body, null)).toEqual({ draft: probeBody(body) });
  });

  it('tests an untouched saved camera as stored, so its saved credentials are used', () => {
    const saved = camera();
    expect(probeTarget(draftFromCamera(saved), saved)).toEqual({ saved: 7 });
    // A name or enabled change is not a source change.
    expect(probeTarget({ ...draftFromCamera(saved), name: 'Gate', enabled: false }, saved)).toEqual({
      saved: 7,
    });
  });

  it('tests the draft once its source, credentials or hints are edited', () => {
    const saved = camera();
    const moved = { ...draftFromCamera(saved), url: 'rtsp://10.0.0.9/live' };
    expect(probeTarget(moved, saved)).toEqual({ draft: probeBody(moved) });
    const retyped = { ...draftFromCamera(saved), password: 'typed' };
    expect(probeTarget(retyped, saved)).toEqual({ draft: probeBody(retyped) });
    expect(probeTarget({ ...draftFromCamera(saved), clearCredentials: true }, saved)).toHaveProperty('draft');
    const test = camera({ kind: 'test', url: null, hasCredentials: false });
    expect(probeTarget({ ...draftFromCamera(test), fps: '5' }, test)).toHaveProperty('draft');
  });
});

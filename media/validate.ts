import type { AnalysisSettings, CameraSource, SegmentSettings, ServerToWorker } from './protocol.js';

/** A message from the server the worker cannot act on; reported as BAD_CONFIG. */
export class BadConfigError extends Error {
  readonly code = 'BAD_CONFIG';
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function int(fields: Fields, key: string, min: number, max: number): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadConfigError(`${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function optionalInt(fields: Fields, key: string, min: number, max: number): number | undefined {
  return fields[key] === undefined ? undefined : int(fields, key, min, max);
}

function num(fields: Fields, key: string, min: number, max: number): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new BadConfigError(`${key} must be a number from ${min} to ${max}`);
  }
  return value;
}

// Control characters would let a URL carry extra RTSP request headers; nothing legitimate contains them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(fields: Fields, key: string, optional: true): string | undefined;
function text(fields: Fields, key: string): string;
function text(fields: Fields, key: string, optional = false): string | undefined {
  const value = fields[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || CONTROL.test(value)) {
    throw new BadConfigError(`${key} must be a string without control characters`);
  }
  return value;
}

function rtspUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new BadConfigError('url is not a valid URL', { cause: error });
  }
  if (parsed.protocol !== 'rtsp:' && parsed.protocol !== 'rtsps:') {
    throw new BadConfigError('url must start with rtsp:// or rtsps://');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BadConfigError('url must not carry credentials: give username and password separately');
  }
  return url;
}

/** Checks a camera source from the server; every user string is checked for shape, never trusted further. */
export function parseSource(value: unknown): CameraSource {
  if (!isObject(value)) throw new BadConfigError('source must be an object');
  switch (value['kind']) {
    case 'rtsp': {
      const transport = value['transport'];
      if (transport !== 'tcp' && transport !== 'udp')
        throw new BadConfigError('transport must be tcp or udp');
      const username = text(value, 'username', true);
      const password = text(value, 'password', true);
      return {
        kind: 'rtsp',
        url: rtspUrl(text(value, 'url')),
        transport,
        latencyMs: int(value, 'latencyMs', 0, 10_000),
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
      };
    }
    case 'v4l2': {
      const device = text(value, 'device');
      if (!device.startsWith('/dev/')) throw new BadConfigError('device must be a path under /dev/');
      const width = optionalInt(value, 'width', 16, 7680);
      const height = optionalInt(value, 'height', 16, 4320);
      const fps = optionalInt(value, 'fps', 1, 120);
      return {
        kind: 'v4l2',
        device,
        ...(width === undefined ? {} : { width }),
        ...(height === undefined ? {} : { height }),
        ...(fps === undefined ? {} : { fps }),
      };
    }
    case 'file': {
      const path = text(value, 'path');
      if (!path.startsWith('/')) throw new BadConfigError('path must be absolute');
      return { kind: 'file', path };
    }
    case 'test': {
      const width = int(value, 'width', 64, 3840);
      const height = int(value, 'height', 64, 2160);
      if (width % 2 !== 0 || height % 2 !== 0) throw new BadConfigError('width and height must be even');
      return { kind: 'test', width, height, fps: int(value, 'fps', 1, 60) };
    }
    default:
      throw new BadConfigError('source.kind must be rtsp, v4l2, file or test');
  }
}

function parseAnalysis(value: unknown): AnalysisSettings | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new BadConfigError('analysis must be an object');
  const socket = value['socket'];
  if (typeof socket !== 'string' || !socket.startsWith('/'))
    throw new BadConfigError('analysis.socket must be an absolute path');
  const maxWidth = int(value, 'maxWidth', 64, 1920);
  if (maxWidth % 4 !== 0) throw new BadConfigError('analysis.maxWidth must be a multiple of 4');
  return { socket, maxWidth, fps: num(value, 'fps', 0.2, 30), idleFps: num(value, 'idleFps', 0.2, 30) };
}

function parseSegments(value: unknown): SegmentSettings | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new BadConfigError('segments must be an object');
  const dir = text(value, 'dir');
  // The worker writes only inside this directory: a `..` step could lead it anywhere else.
  if (!dir.startsWith('/') || dir.split('/').includes('..'))
    throw new BadConfigError('segments.dir must be an absolute path without ..');
  return { dir, seconds: num(value, 'seconds', 2, 6) };
}

/** Checks a message from the server against the protocol; throws BadConfigError naming the first problem. */
export function parseServerMessage(value: unknown): ServerToWorker {
  if (!isObject(value)) throw new BadConfigError('message must be an object');
  switch (value['type']) {
    case 'stop':
      return { type: 'stop' };
    case 'keyframe':
      return { type: 'keyframe' };
    case 'probe':
      return {
        type: 'probe',
        source: parseSource(value['source']),
        timeoutMs: int(value, 'timeoutMs', 100, 60_000),
      };
    case 'start': {
      const rtp = value['rtp'];
      const stills = value['stills'];
      if (!isObject(rtp) || rtp['host'] !== '127.0.0.1')
        throw new BadConfigError('rtp.host must be 127.0.0.1');
      if (!isObject(stills)) throw new BadConfigError('stills must be an object');
      const analysis = parseAnalysis(value['analysis']);
      const segments = parseSegments(value['segments']);
      return {
        type: 'start',
        cameraId: int(value, 'cameraId', 0, Number.MAX_SAFE_INTEGER),
        source: parseSource(value['source']),
        rtp: { host: '127.0.0.1', port: int(rtp, 'port', 1, 65_535) },
        stills: {
          fps: num(stills, 'fps', 0.1, 30),
          maxWidth: int(stills, 'maxWidth', 16, 3840),
          quality: int(stills, 'quality', 1, 100),
        },
        ...(analysis ? { analysis } : {}),
        ...(segments ? { segments } : {}),
      };
    }
    default:
      throw new BadConfigError('message type must be start, probe, keyframe or stop');
  }
}

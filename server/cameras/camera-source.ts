import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CameraSource } from '../../media/protocol.js';
import type { CameraKind } from '../db/schema.js';
import { AppError, validationFailed } from '../errors.js';
import type { CameraRow } from './cameras.repository.js';

/** The source fields a client sends, before they are checked. */
export interface CameraSourceInput {
  kind: CameraKind;
  url?: string | undefined;
  username?: string | null | undefined;
  password?: string | null | undefined;
  device?: string | undefined;
  path?: string | undefined;
  /** Resolution and rate hints; null or absent means "whatever the camera sends". */
  width?: number | null | undefined;
  height?: number | null | undefined;
  fps?: number | null | undefined;
  transport?: 'tcp' | 'udp' | undefined;
  latencyMs?: number | undefined;
}

/** The checked source, as stored. */
export interface CameraSourceFields {
  kind: CameraKind;
  url: string | null;
  device: string | null;
  path: string | null;
  username: string | null;
  password: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  rtsp_transport: 'tcp' | 'udp';
  latency_ms: number;
}

const emptyToNull = (value: string | null | undefined) =>
  value === undefined || value === '' ? null : value;

const V4L2_DEVICE = /^\/dev\/video\d{1,3}$/;
const TEST_DEFAULTS = { width: 1280, height: 720, fps: 30 };

const badSource = (message: string) => new AppError('INVALID_SOURCE', 400, message);

/**
 * Only rtsp:// and rtsps:// URLs, V4L2 device nodes and files inside the media folder are accepted, so adding
 * or probing a camera can never be turned into a port scanner for other protocols or a reader of other files.
 * Credentials typed into the URL are moved out of it: they are stored apart and never shown again.
 */
export function checkCameraSource(input: CameraSourceInput, mediaDir: string): CameraSourceFields {
  const fields: CameraSourceFields = {
    kind: input.kind,
    url: null,
    device: null,
    path: null,
    // An empty credential is no credential (and fastify's validator turns null into "" for string|null fields).
    username: emptyToNull(input.username),
    password: emptyToNull(input.password),
    width: input.width ?? null,
    height: input.height ?? null,
    fps: input.fps ?? null,
    rtsp_transport: input.transport ?? 'tcp',
    latency_ms: input.latencyMs ?? 200,
  };
  switch (input.kind) {
    case 'rtsp': {
      const parsed = parseRtspUrl(input.url);
      // Credentials typed into the URL are the newest intent: they replace stored or separately given ones.
      if (parsed.username !== null) fields.username = parsed.username;
      if (parsed.password !== null) fields.password = parsed.password;
      fields.url = parsed.url;
      break;
    }
    case 'v4l2':
      if (input.device === undefined || !V4L2_DEVICE.test(input.device)) {
        throw badSource('A USB camera is a V4L2 device node such as /dev/video0.');
      }
      fields.device = input.device;
      break;
    case 'file':
      fields.path = mediaRelativePath(input.path, mediaDir);
      break;
    case 'test':
      fields.width = input.width ?? TEST_DEFAULTS.width;
      fields.height = input.height ?? TEST_DEFAULTS.height;
      fields.fps = input.fps ?? TEST_DEFAULTS.fps;
      break;
  }
  if (input.kind !== 'rtsp') {
    fields.username = null;
    fields.password = null;
  }
  return fields;
}

function parseRtspUrl(raw: string | undefined): {
  url: string;
  username: string | null;
  password: string | null;
} {
  if (raw === undefined || raw.length > 2048)
    throw badSource('An RTSP camera needs its rtsp:// or rtsps:// URL.');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badSource('That is not a valid URL.');
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') {
    throw badSource('Only rtsp:// and rtsps:// camera URLs are accepted.');
  }
  if (url.hostname === '') throw badSource('The URL has no host.');
  const username = url.username === '' ? null : decodeURIComponent(url.username);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), username, password };
}

/** A file camera's path, relative to the media folder; the file must exist there and be reached without escaping. */
function mediaRelativePath(raw: string | undefined, mediaDir: string): string {
  if (raw === undefined || raw === '' || raw.includes('\0') || raw.length > 1024) {
    throw badSource('A file camera needs the path of a video file in the media folder.');
  }
  const root = safeRealpath(mediaDir);
  if (root === null) throw new AppError('NOT_FOUND', 404, 'The media folder does not exist yet.');
  const candidate = safeRealpath(path.resolve(root, raw));
  if (candidate === null) throw new AppError('NOT_FOUND', 404, 'No such file in the media folder.');
  const relative = path.relative(root, candidate);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw badSource('Only files inside the media folder can be used.');
  }
  if (!statSync(candidate).isFile()) throw badSource('That is not a file.');
  return relative;
}

function safeRealpath(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null; // missing: the caller answers NOT_FOUND
  }
}

/** What the worker gets: absolute paths and credentials as separate fields, checked again on the way out. */
export function workerSource(row: CameraRow, mediaDir: string): CameraSource {
  switch (row.kind) {
    case 'rtsp':
      if (row.url === null) throw validationFailed('RTSP camera without a URL.');
      return {
        kind: 'rtsp',
        url: row.url,
        transport: row.rtsp_transport,
        latencyMs: row.latency_ms,
        ...(row.username === null ? {} : { username: row.username }),
        ...(row.password === null ? {} : { password: row.password }),
      };
    case 'v4l2':
      if (row.device === null) throw validationFailed('USB camera without a device.');
      return {
        kind: 'v4l2',
        device: row.device,
        ...(row.width === null ? {} : { width: row.width }),
        ...(row.height === null ? {} : { height: row.height }),
        ...(row.fps === null ? {} : { fps: row.fps }),
      };
    case 'file':
      return { kind: 'file', path: path.join(mediaDir, mediaRelativePath(row.path ?? undefined, mediaDir)) };
    case 'test':
      return {
        kind: 'test',
        width: row.width ?? TEST_DEFAULTS.width,
        height: row.height ?? TEST_DEFAULTS.height,
        fps: row.fps ?? TEST_DEFAULTS.fps,
      };
  }
}

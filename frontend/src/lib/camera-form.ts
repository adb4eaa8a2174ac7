// The add/edit camera form as data: a draft of strings (what the inputs hold), what is wrong with it, and
// the request bodies built from it. The server re-checks everything; these checks only explain problems
// before a round trip.
import type {
  Camera,
  CameraKind,
  CreateCameraRequest,
  ProbeCameraRequest,
  UpdateCameraRequest,
} from '../api/types';

export interface CameraDraft {
  name: string;
  kind: CameraKind;
  enabled: boolean;
  /** rtsp */
  url: string;
  /** rtsp; write-only: blank on edit means "keep the saved one". */
  username: string;
  password: string;
  /** rtsp, edit only: remove the saved credentials on save. */
  clearCredentials: boolean;
  transport: 'tcp' | 'udp';
  latencyMs: string;
  /** v4l2 */
  device: string;
  /** file */
  path: string;
  /** v4l2 and test */
  width: string;
  height: string;
  fps: string;
}

export type CameraField =
  'name' | 'url' | 'username' | 'password' | 'latencyMs' | 'device' | 'path' | 'width' | 'height' | 'fps';

/** Defaults of a test camera, as the server applies them. */
export const TEST_DEFAULTS = { width: 1280, height: 720, fps: 30 } as const;
/** The RTSP jitter buffer the server uses when none is given, in milliseconds. */
export const DEFAULT_LATENCY_MS = 200;

const NAME_MAX = 64;
const CREDENTIAL_MAX = 256;
const V4L2_DEVICE = /^\/dev\/video\d{1,3}$/;
const NUMBER_RULES = {
  width: { min: 16, max: 7680, label: 'Width' },
  height: { min: 16, max: 4320, label: 'Height' },
  fps: { min: 1, max: 120, label: 'Frame rate' },
  latencyMs: { min: 0, max: 5000, label: 'Latency' },
} as const;

export function emptyDraft(kind: CameraKind = 'rtsp'): CameraDraft {
  return {
    name: '',
    kind,
    enabled: true,
    url: '',
    username: '',
    password: '',
    clearCredentials: false,
    transport: 'tcp',
    latencyMs: String(DEFAULT_LATENCY_MS),
    device: '',
    path: '',
    width: '',
    height: '',
    fps: '',
  };
}

const text = (value: number | null) => (value === null ? '' : String(value));

/** The form for editing `camera`; credentials start blank because the server never sends them. */
export function draftFromCamera(camera: Camera): CameraDraft {
  return {
    ...emptyDraft(camera.kind),
    name: camera.name,
    enabled: camera.enabled,
    url: camera.url ?? '',
    transport: camera.options.transport,
    latencyMs: String(camera.options.latencyMs),
    device: camera.device ?? '',
    path: camera.path ?? '',
    width: text(camera.options.width),
    height: text(camera.options.height),
    fps: text(camera.options.fps),
  };
}

/** The integer in `value`, undefined when blank, NaN when it is not a whole number. */
export function parseWhole(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // A stray "%" is not an escape; the raw text is what the user meant.
    return part;
  }
}

/**
 * Moves credentials typed into an RTSP URL out of it ("rtsp://user:pass@host/…"), as the server would, so
 * they go in the write-only fields and the URL never carries them. Anything unparsable is returned as is.
 */
export function splitUrlCredentials(raw: string): {
  url: string;
  username: string | null;
  password: string | null;
} {
  const trimmed = raw.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { url: raw, username: null, password: null };
  }
  if (url.username === '' && url.password === '') return { url: trimmed, username: null, password: null };
  const username = url.username === '' ? null : decode(url.username);
  const password = url.password === '' ? null : decode(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), username, password };
}

function urlProblem(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return "Enter the camera's rtsp:// address.";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'That is not a valid address. It looks like rtsp://192.168.1.20:554/stream1.';
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:')
    return 'Only rtsp:// and rtsps:// addresses work here.';
  if (url.hostname === '') return 'The address has no host name or IP address.';
  return null;
}

function numberProblem(field: keyof typeof NUMBER_RULES, value: string): string | null {
  const parsed = parseWhole(value);
  if (parsed === undefined) return null;
  const { min, max, label } = NUMBER_RULES[field];
  if (Number.isNaN(parsed) || parsed < min || parsed > max)
    return `${label} is a whole number from ${min} to ${max}.`;
  return null;
}

const NO_PROBLEMS: Readonly<Record<CameraField, null>> = Object.freeze({
  name: null,
  url: null,
  username: null,
  password: null,
  latencyMs: null,
  device: null,
  path: null,
  width: null,
  height: null,
  fps: null,
});

/** What is wrong with each field that matters for the draft's kind; null where all is well. */
export function draftProblems(draft: CameraDraft): Record<CameraField, string | null> {
  const name = draft.name.trim();
  return {
    ...sourceProblems(draft),
    name:
      name === ''
        ? 'Enter a name.'
        : name.length > NAME_MAX
          ? `A name has at most ${NAME_MAX} characters.`
          : null,
  };
}

/** Problems of the source fields alone (the name is not checked): what Test connection needs. */
export function sourceProblems(draft: CameraDraft): Record<CameraField, string | null> {
  return { ...NO_PROBLEMS, ...kindProblems(draft) };
}

function kindProblems(draft: CameraDraft): Partial<Record<CameraField, string | null>> {
  switch (draft.kind) {
    case 'rtsp':
      return {
        url: urlProblem(draft.url),
        username: draft.username.length > CREDENTIAL_MAX ? `At most ${CREDENTIAL_MAX} characters.` : null,
        password: draft.password.length > CREDENTIAL_MAX ? `At most ${CREDENTIAL_MAX} characters.` : null,
        latencyMs: numberProblem('latencyMs', draft.latencyMs),
      };
    case 'v4l2':
      return {
        device: V4L2_DEVICE.test(draft.device.trim()) ? null : 'Enter a device such as /dev/video0.',
        ...sizeProblems(draft),
      };
    case 'file':
      return {
        path: draft.path.trim() === '' ? 'Enter the name of a video file in the media folder.' : null,
      };
    case 'test':
      return sizeProblems(draft);
  }
}

function sizeProblems(draft: CameraDraft): Partial<Record<CameraField, string | null>> {
  const problems = {
    width: numberProblem('width', draft.width),
    height: numberProblem('height', draft.height),
    fps: numberProblem('fps', draft.fps),
  };
  const hasWidth = draft.width.trim() !== '';
  const hasHeight = draft.height.trim() !== '';
  if (hasWidth !== hasHeight) {
    const missing = hasWidth ? 'height' : 'width';
    problems[missing] = 'Enter both width and height, or neither.';
  }
  return problems;
}

/** The draft's credentials after moving any out of the URL; typed fields win over the URL's. */
function credentials(draft: CameraDraft): { url: string; username: string | null; password: string | null } {
  const split = splitUrlCredentials(draft.url);
  return {
    url: split.url.trim(),
    username: draft.username !== '' ? draft.username : split.username,
    password: draft.password !== '' ? draft.password : split.password,
  };
}

type SourceFields = Omit<ProbeCameraRequest, 'kind'>;

function sourceFields(draft: CameraDraft): SourceFields {
  const whole = (value: string) => {
    const parsed = parseWhole(value);
    return parsed === undefined || Number.isNaN(parsed) ? undefined : parsed;
  };
  const fields: SourceFields = {};
  const set = <K extends keyof SourceFields>(key: K, value: SourceFields[K] | undefined | null) => {
    if (value !== undefined && value !== null) fields[key] = value;
  };
  switch (draft.kind) {
    case 'rtsp': {
      const { url, username, password } = credentials(draft);
      set('url', url);
      set('username', username);
      set('password', password);
      set('transport', draft.transport);
      set('latencyMs', whole(draft.latencyMs));
      break;
    }
    case 'v4l2':
      set('device', draft.device.trim());
      break;
    case 'file':
      set('path', draft.path.trim());
      break;
    case 'test':
      break;
  }
  if (draft.kind === 'v4l2' || draft.kind === 'test') {
    set('width', whole(draft.width));
    set('height', whole(draft.height));
    set('fps', whole(draft.fps));
  }
  return fields;
}

export function createBody(draft: CameraDraft): CreateCameraRequest {
  return { name: draft.name.trim(), kind: draft.kind, enabled: draft.enabled, ...sourceFields(draft) };
}

/** What Test connection sends for a draft source. */
export function probeBody(draft: CameraDraft): ProbeCameraRequest {
  return { kind: draft.kind, ...sourceFields(draft) };
}

/** What Test connection tries: the saved camera as stored (with its saved credentials), or the draft. */
export type ProbeTarget = { saved: number } | { draft: ProbeCameraRequest };

const SOURCE_KEYS = [
  'url',
  'device',
  'path',
  'transport',
  'latencyMs',
  'width',
  'height',
  'fps',
  'username',
  'password',
] as const;

/**
 * A saved camera whose source fields are untouched is tested as stored, so its saved credentials (which
 * the browser never sees) take part; any edit to the source tests the draft instead.
 */
export function probeTarget(draft: CameraDraft, camera: Camera | null): ProbeTarget {
  if (camera === null || draft.clearCredentials) return { draft: probeBody(draft) };
  const patch = patchBody(draft, camera) ?? {};
  const sourceEdited = SOURCE_KEYS.some((key) => key in patch);
  return sourceEdited ? { draft: probeBody(draft) } : { saved: camera.id };
}

/**
 * Only what changed, so an unchanged source does not restart the camera; null when nothing did. Blank
 * credentials keep the saved ones; `clearCredentials` removes them.
 */
export function patchBody(draft: CameraDraft, camera: Camera): UpdateCameraRequest | null {
  const patch: UpdateCameraRequest = {};
  const name = draft.name.trim();
  if (name !== camera.name) patch.name = name;
  if (draft.enabled !== camera.enabled) patch.enabled = draft.enabled;
  const source = sourceFields(draft);
  if (source.url !== undefined && source.url !== camera.url) patch.url = source.url;
  if (source.device !== undefined && source.device !== camera.device) patch.device = source.device;
  if (source.path !== undefined && source.path !== camera.path) patch.path = source.path;
  if (source.transport !== undefined && source.transport !== camera.options.transport) {
    patch.transport = source.transport;
  }
  if (source.latencyMs !== undefined && source.latencyMs !== camera.options.latencyMs) {
    patch.latencyMs = source.latencyMs;
  }
  if (camera.kind === 'v4l2' || camera.kind === 'test') {
    // A blank hint means "the camera's own default": null clears a saved one.
    for (const field of ['width', 'height', 'fps'] as const) {
      const value = source[field] ?? null;
      if (value !== camera.options[field]) patch[field] = value;
    }
  }
  if (camera.kind === 'rtsp') {
    if (draft.clearCredentials) {
      patch.username = null;
      patch.password = null;
    } else {
      if (source.username !== undefined) patch.username = source.username;
      if (source.password !== undefined) patch.password = source.password;
    }
  }
  return Object.keys(patch).length === 0 ? null : patch;
}

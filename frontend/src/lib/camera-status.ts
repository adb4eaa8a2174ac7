// How a camera's state reads in the UI: badges for the live tiles and the admin list, and a one-line summary
// of where its video comes from.
import { codedMessage } from '../api/error-message';
import type { Camera, CameraKind, CameraStatus } from '../api/types';
import { formatResolution } from './format';
import type { ViewerDisplay } from './webrtc-viewer';

export type BadgeTone = 'success' | 'warning' | 'danger' | 'neutral';

export interface StatusBadge {
  label: string;
  tone: BadgeTone;
  /** A sentence explaining the badge, or null when the label says it all. */
  detail: string | null;
}

/** The CSS class of a badge tone (see styles/main.css). */
export function badgeClass(tone: BadgeTone): string {
  return tone === 'neutral' ? 'badge' : `badge badge-${tone}`;
}

/** What the camera itself is doing, as the admin list shows it. */
export function cameraStatusBadge(camera: Pick<Camera, 'status' | 'problem'>): StatusBadge {
  const problem = camera.problem ? codedMessage(camera.problem.code, camera.problem.message) : null;
  switch (camera.status) {
    case 'starting':
      return { label: 'starting', tone: 'warning', detail: null };
    case 'live':
      return { label: 'live', tone: 'success', detail: null };
    case 'offline':
      return { label: 'offline', tone: 'danger', detail: problem ?? 'The camera is not sending video.' };
    case 'error':
      return { label: 'error', tone: 'danger', detail: problem ?? 'The camera stopped with an error.' };
    case 'disabled':
      return { label: 'switched off', tone: 'neutral', detail: null };
  }
}

/**
 * A live tile's badge: the camera's own trouble (offline, error, starting) first, since no viewer can fix
 * that, then how this browser's connection to it is doing.
 */
export function liveTileBadge(
  camera: Pick<Camera, 'status' | 'problem'>,
  display: ViewerDisplay,
): StatusBadge {
  const status: CameraStatus = camera.status;
  if (status === 'offline' || status === 'error' || status === 'disabled') return cameraStatusBadge(camera);
  if (status === 'starting' && display !== 'live' && display !== 'mjpeg') return cameraStatusBadge(camera);
  switch (display) {
    case 'live':
      return { label: 'live', tone: 'success', detail: null };
    case 'connecting':
      return { label: 'connecting', tone: 'warning', detail: null };
    case 'retrying':
      return { label: 'reconnecting', tone: 'warning', detail: null };
    case 'mjpeg':
      return {
        label: 'pictures only',
        tone: 'warning',
        detail: 'Live video could not connect, so this shows pictures about twice a second instead.',
      };
    case 'failed':
      return { label: 'error', tone: 'danger', detail: null };
  }
}

/** Human names of the camera kinds, for pickers and lists. */
export const KIND_LABELS: { readonly [K in CameraKind]: string } = {
  rtsp: 'Network camera (RTSP)',
  v4l2: 'USB camera (V4L2)',
  file: 'Video file',
  test: 'Test pattern',
};

/** Where the camera's video comes from, in one line; never credentials (the server never sends them). */
export function cameraSource(camera: Pick<Camera, 'kind' | 'url' | 'device' | 'path' | 'options'>): string {
  const { width, height, fps } = camera.options;
  const size = width !== null && height !== null ? formatResolution(width, height) : null;
  const shape = [size, fps === null ? null : `${fps} fps`].filter((part) => part !== null).join(' at ');
  switch (camera.kind) {
    case 'rtsp':
      return camera.url ?? 'No URL';
    case 'v4l2':
      return [camera.device ?? 'No device', shape].filter((part) => part !== '').join(', ');
    case 'file':
      return camera.path ?? 'No file';
    case 'test':
      return shape === '' ? 'Test pattern' : `Test pattern, ${shape}`;
  }
}

/**
 * A stand-in for a camera whose details are still loading (status `starting`, no name yet), so its live tile
 * can start connecting by id at once; the real record replaces it without remounting the tile.
 */
export function pendingCamera(id: number): Camera {
  const at = new Date(0).toISOString();
  return {
    id,
    name: '',
    kind: 'test',
    url: null,
    device: null,
    path: null,
    hasCredentials: false,
    enabled: true,
    detect: false,
    analysis: null,
    recording: { mode: 'off', state: 'off', reason: null, lastKeptAt: null },
    options: { width: null, height: null, fps: null, transport: 'tcp', latencyMs: 0 },
    status: 'starting',
    problem: null,
    fps: 0,
    bitrateKbps: 0,
    resolution: null,
    codec: null,
    transcoded: false,
    lastFrameAt: null,
    restarts: 0,
    keyframeIntervalS: null,
    createdAt: at,
    updatedAt: at,
  };
}

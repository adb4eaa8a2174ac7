import { idleRuntime, type CameraRuntime } from './camera-worker.js';
import type { CameraRow } from './cameras.repository.js';
import type { RecordingStatus } from '../recordings/recorder.js';

/** A camera as the API shows it: never its credentials, only whether it has some. */
export interface CameraView {
  id: number;
  name: string;
  kind: CameraRow['kind'];
  url: string | null;
  device: string | null;
  path: string | null;
  hasCredentials: boolean;
  enabled: boolean;
  detect: boolean;
  /** Frames sent to and dropped for the inference worker over the last second; null while detection is off. */
  analysis: { sent: number; dropped: number } | null;
  recording: RecordingStatus;
  options: {
    width: number | null;
    height: number | null;
    fps: number | null;
    transport: 'tcp' | 'udp';
    latencyMs: number;
  };
  status: CameraRuntime['status'];
  problem: { code: string; message: string } | null;
  fps: number;
  bitrateKbps: number;
  resolution: { width: number; height: number } | null;
  codec: string | null;
  transcoded: boolean;
  lastFrameAt: string | null;
  restarts: number;
  keyframeIntervalS: number | null;
  createdAt: string;
  updatedAt: string;
}

export function toCameraView(
  row: CameraRow,
  runtime: CameraRuntime | undefined,
  recording: RecordingStatus,
): CameraView {
  const live = runtime ?? idleRuntime(row.enabled === 1 ? 'offline' : 'disabled');
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    device: row.device,
    path: row.path,
    hasCredentials: row.username !== null || row.password !== null,
    enabled: row.enabled === 1,
    detect: row.detect === 1,
    analysis: live.analysis,
    recording,
    options: {
      width: row.width,
      height: row.height,
      fps: row.fps,
      transport: row.rtsp_transport,
      latencyMs: row.latency_ms,
    },
    status: row.enabled === 1 ? live.status : 'disabled',
    problem: live.problem,
    fps: live.fps,
    bitrateKbps: live.bitrateKbps,
    resolution:
      live.width !== null && live.height !== null ? { width: live.width, height: live.height } : null,
    codec: live.sourceCodec,
    transcoded: live.transcoded,
    lastFrameAt: live.lastFrameAt === null ? null : new Date(live.lastFrameAt).toISOString(),
    restarts: live.restarts,
    keyframeIntervalS: live.keyframeIntervalS === null ? null : Math.round(live.keyframeIntervalS * 10) / 10,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The typed channel between the server (supervisor) and the inference worker, over Node's IPC with
 * `serialization: 'advanced'` (snapshots travel as binary). Server → worker: `start` once, then `cameras` and
 * `faces` whenever their settings change, `stop`. Worker → server: `ready` within READY_TIMEOUT_MS of `start`
 * (models loaded, frame socket listening), `detections` per analysed frame, `track` when an object's event
 * starts, changes or ends, `stats` every STATS_INTERVAL_MS, `error`. The worker exits when the channel closes.
 * Pixels never come this way: they reach the worker from the camera workers over its frame socket.
 */
import type { Polygon } from './motion/polygon.js';

export const READY_TIMEOUT_MS = 20_000;
export const STATS_INTERVAL_MS = 2_000;

/** A box in normalised coordinates of the analysed picture (0–1, origin top left). */
export interface NormalBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CameraAnalysis {
  cameraId: number;
  /** `objects`: events are confirmed object tracks; `motion`: events are motion bursts (no detector). */
  mode: 'objects' | 'motion';
  /** Labels to track; others are ignored. */
  labels: string[];
  /** Per-label minimum score; `defaultScore` for the rest. */
  minScore: Record<string, number>;
  defaultScore: number;
  motion: { sensitivity: number; minArea: number; masks: Polygon[] };
  zones: { name: string; polygon: Polygon }[];
  /** Detect and match faces on person tracks. */
  faces: boolean;
}

export interface KnownFace {
  id: number;
  name: string;
  /** Unit-length descriptors of the person's samples. */
  descriptors: number[][];
}

export interface StartInference {
  type: 'start';
  /** Where to listen for frames: a path in a folder only Vigil's user can enter. */
  socket: string;
  modelsDir: string;
  /** onnxruntime intra-op threads (default 1). */
  threads: number;
  cameras: CameraAnalysis[];
  faces: KnownFace[];
  /** Cosine similarity at or above which a face is that person. */
  faceThreshold: number;
}

export type ServerToInference =
  | StartInference
  | { type: 'cameras'; cameras: CameraAnalysis[] }
  | { type: 'faces'; faces: KnownFace[]; faceThreshold: number }
  | { type: 'stop' };

export interface FaceReport {
  /** The matched person, or null for an unknown face (a candidate to enrol). */
  faceId: number | null;
  name: string | null;
  similarity: number;
  descriptor: number[];
  box: NormalBox;
}

export interface TrackReport {
  /** Unique within one run of the worker. */
  trackId: number;
  label: string;
  startedAt: number;
  /** Set on `end`. */
  endedAt: number | null;
  topScore: number;
  box: NormalBox;
  path: { at: number; box: NormalBox }[];
  zones: string[];
  stationary: boolean;
  faces: FaceReport[];
}

export interface Snapshot {
  jpeg: Uint8Array;
  width: number;
  height: number;
  /** The object's box in it (normalised); drawn by the server only when asked. */
  box: NormalBox;
  at: number;
}

export type InferenceToServer =
  | { type: 'ready'; models: { id: string; sha256: string }[] }
  | {
      type: 'detections';
      cameraId: number;
      /** When the analysed frame was captured (epoch ms, the camera worker's clock). */
      capturedAt: number;
      motion: boolean;
      objects: { trackId: number; label: string; score: number; box: NormalBox }[];
    }
  | {
      type: 'track';
      phase: 'start' | 'update' | 'end';
      cameraId: number;
      track: TrackReport;
      snapshot: Snapshot | null;
    }
  | {
      type: 'stats';
      cameras: {
        cameraId: number;
        frames: number;
        analysed: number;
        detectorRuns: number;
        inferenceMsP50: number | null;
      }[];
    }
  | { type: 'error'; code: InferenceErrorCode; message: string; fatal: boolean };

export type InferenceErrorCode =
  'MODEL_MISSING' | 'MODEL_CORRUPT' | 'MODEL_INVALID' | 'BAD_CONFIG' | 'SOCKET_FAILED' | 'INTERNAL';

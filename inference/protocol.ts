/**
 * The typed channel between the server (supervisor) and the inference worker, over Node's IPC with
 * `serialization: 'advanced'` (snapshots travel as binary). Server → worker: `start` once, then `cameras` and
 * `faces` whenever their settings change, `describe` to find and describe the faces of one picture (an uploaded
 * photo), `stop`. Worker → server: `ready` within READY_TIMEOUT_MS of `start` (models loaded, frame socket
 * listening), `detections` per analysed frame, `track` when an object's event starts, changes or ends, `stats`
 * every STATS_INTERVAL_MS, `described` or `describe-failed` once per `describe` (same requestId), `error`. The
 * worker exits when the channel closes. Camera pixels never come this way: they reach the worker from the
 * camera workers over its frame socket; only single pictures a person uploaded do.
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

/**
 * Which object detector runs: the shipped centernet, or a user's ONNX file that the server validated (see
 * inference/models/user-model.ts). The worker checks the file's sha256 before it opens it.
 */
export type DetectorChoice = { id: 'centernet' } | UserDetectorChoice;

export interface UserDetectorChoice {
  id: string;
  /** Absolute path of the validated ONNX file. */
  file: string;
  sha256: string;
  spec: UserDetectorSpec;
}

/** How a user's detector is fed and read, as its validation found it. */
export interface UserDetectorSpec {
  /** `yolo`: one output [1, 4 + C, N] (cx, cy, w, h in input pixels, then C class scores); `ssd`: boxes + scores. */
  kind: 'yolo' | 'ssd';
  labels: string[];
  input: {
    name: string;
    layout: 'nchw' | 'nhwc';
    /** The square side fed to the model, in pixels (its fixed H = W, or 640 when symbolic). */
    size: number;
    /** RGB pixels (0–255) reach the model as pixel * scale + offset (default 1/255 and 0). */
    scale: number;
    offset: number;
  };
  /** Output names: `yolo` uses `boxes` only (the one output); `ssd` boxes [1, N, 4], scores [1, N] or [1, N, C], classes [1, N]. */
  outputs: { boxes: string; scores: string | null; classes: string | null };
  /** `ssd` box corners order: x0, y0, x1, y1 (default) or y0, x0, y1, x1 (TensorFlow's); normalised or in input pixels. */
  boxOrder: 'xyxy' | 'yxyx';
}

export interface StartInference {
  type: 'start';
  /** The object detector to run (default centernet). */
  detector?: DetectorChoice;
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
  /** Swap the object detector without a restart; on failure the worker reports `error` and keeps the old one. */
  | { type: 'detector'; detector: DetectorChoice }
  | DescribeRequest
  | { type: 'stop' };

/**
 * Find and describe the faces of one JPEG picture (up to MAX_DESCRIBE_MEGAPIXELS; larger ones are refused,
 * large ones are shrunk before detection). Without `box` the face detector looks at the whole picture; with
 * `box` that region is taken as the face, as a detector found it.
 */
export interface DescribeRequest {
  type: 'describe';
  /** Echoed in the answer; unique among the server's pending requests. */
  requestId: number;
  jpeg: Uint8Array;
  box?: NormalBox;
}

/** The most pixels a `describe` picture may have (4096 × 4096), in megapixels. */
export const MAX_DESCRIBE_MEGAPIXELS = 16.8;

/** The side of a face crop JPEG at most, in pixels (smaller faces keep their own size). */
export const FACE_CROP_PX = 112;

export interface FaceReport {
  /** The matched person, or null for an unknown face (a candidate to enrol). */
  faceId: number | null;
  name: string | null;
  similarity: number;
  /** Unit length, 1024 values (FaceRes). */
  descriptor: number[];
  box: NormalBox;
  /** A square JPEG around the face (widened as the descriptor's crop is), at most FACE_CROP_PX a side. */
  crop: Uint8Array;
}

/** One face a `describe` found, largest first. */
export interface DescribedFace {
  /** Unit length, 1024 values (FaceRes). */
  descriptor: number[];
  /** In the picture as sent (normalised). */
  box: NormalBox;
  /** The detector's score (1 for a face given by `box`). */
  score: number;
  /** As FaceReport.crop. */
  crop: Uint8Array;
}

/** Why a `describe` gave no faces: none in the picture, not a JPEG, too large, models not loaded, a bug. */
export type DescribeErrorCode = 'NO_FACE' | 'BAD_IMAGE' | 'IMAGE_TOO_LARGE' | 'NOT_READY' | 'INTERNAL';

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
  | { type: 'error'; code: InferenceErrorCode; message: string; fatal: boolean }
  | { type: 'described'; requestId: number; faces: DescribedFace[] }
  | { type: 'describe-failed'; requestId: number; code: DescribeErrorCode; message: string }
  /** The object detector now running (after `ready`, and after each `detector` message that loaded). */
  | { type: 'detector'; id: string; sha256: string };

export type InferenceErrorCode =
  'MODEL_MISSING' | 'MODEL_CORRUPT' | 'MODEL_INVALID' | 'BAD_CONFIG' | 'SOCKET_FAILED' | 'INTERNAL';

/**
 * The typed channel between the server (supervisor) and one camera worker, carried over Node's IPC with
 * `serialization: 'advanced'` (so JPEG stills travel as binary). Server → worker: `start` once, `keyframe` when a viewer joins, then `stop`.
 * Worker → server: `ready` within READY_TIMEOUT_MS of `start`, `stats` every STATS_INTERVAL_MS, `still` at the
 * stills rate, `error` with a code. The worker exits when the channel closes (the server died).
 */

/** A `ready` must arrive within this long after `start`, or the supervisor kills and restarts the worker. */
export const READY_TIMEOUT_MS = 10_000;
/** Stats cadence. */
export const STATS_INTERVAL_MS = 1_000;
/** No frame for this long means the worker is stalled: the supervisor restarts it. */
export const STALL_TIMEOUT_MS = 5_000;

/** Where the pictures come from. Every user-supplied string here is set as an element property, never parsed. */
export type CameraSource =
  | {
      kind: 'rtsp';
      /** rtsp:// or rtsps:// URL without credentials. */
      url: string;
      /** Given to rtspsrc as properties, never placed in the URL or a pipeline string. */
      username?: string;
      password?: string;
      /** RTP transport; default tcp (works through more networks). */
      transport: 'tcp' | 'udp';
      /** rtspsrc jitter buffer, milliseconds; default 200. */
      latencyMs: number;
    }
  | {
      kind: 'v4l2';
      /** /dev/videoN */
      device: string;
      /** Capture size and rate hints; the camera's own defaults when absent. */
      width?: number;
      height?: number;
      fps?: number;
    }
  | {
      kind: 'file';
      /** Absolute path under the configured media folder (checked by the server). Played in a loop. */
      path: string;
    }
  | {
      kind: 'test';
      /** Synthetic pattern with the wall-clock time stamped into every frame. */
      width: number;
      height: number;
      fps: number;
    };

export interface StartMessage {
  type: 'start';
  cameraId: number;
  source: CameraSource;
  /** H.264 RTP (payload type 96, packetization-mode 1) goes to Janus's ingest port on 127.0.0.1. */
  rtp: { host: '127.0.0.1'; port: number };
  /** Low-rate decoded branch (memory only): about `fps` JPEGs a second, at most `maxWidth` pixels wide. */
  stills: { fps: number; maxWidth: number; quality: number };
  /**
   * Detection on: decoded RGB frames, at most `maxWidth` wide (a multiple of 4), go to the inference worker's
   * frame socket at `fps` while it sees something and at `idleFps` otherwise (inference/frames/wire.ts).
   */
  analysis?: AnalysisSettings;
  /** Recording on: the encoded stream (never re-encoded) cut into MPEG-TS segments in the RAM cache. */
  segments?: SegmentSettings;
}

export interface SegmentSettings {
  /**
   * Absolute path of a directory the server made for this worker session in the RAM cache (VIGIL_CACHE_DIR);
   * the worker writes `NNNNNNNN.ts` files into it and nothing anywhere else.
   */
  dir: string;
  /** Target segment length, seconds (2–6): a segment ends at the first keyframe after it. */
  seconds: number;
}

export interface AnalysisSettings {
  /** Path of the inference worker's Unix socket. */
  socket: string;
  maxWidth: number;
  fps: number;
  idleFps: number;
}

export interface ProbeMessage {
  type: 'probe';
  source: CameraSource;
  /** Give up after this long, milliseconds (the API allows 10 s). */
  timeoutMs: number;
}

/**
 * A viewer just joined: make the live branch's next frame a keyframe. Janus hands a new viewer the last keyframe
 * it kept, up to a GOP old, and then the current frames, which refer to frames that viewer never got; the
 * picture is only right again from the next keyframe. Encoded branches (x264) obey at once; an H.264 camera
 * passed through gets the request upstream, which an RTSP camera may ignore.
 */
export interface KeyframeMessage {
  type: 'keyframe';
}

export type ServerToWorker = StartMessage | ProbeMessage | KeyframeMessage | { type: 'stop' };

/** Stable error codes a worker reports; the API shows them as they are. */
export type MediaErrorCode =
  | 'AUTH_FAILED'
  | 'UNREACHABLE'
  | 'NO_VIDEO'
  | 'UNSUPPORTED_CODEC'
  | 'NOT_FOUND'
  | 'PIPELINE_ERROR'
  | 'BAD_CONFIG';

export type WorkerToServer =
  | {
      type: 'ready';
      /** Codec the camera sends, e.g. 'h264', 'h265', 'raw', 'jpeg'. */
      sourceCodec: string;
      /** True when the live branch is re-encoded (anything but H.264 passthrough). */
      transcoded: boolean;
    }
  | {
      type: 'stats';
      /** Frames per second of the live branch over the last interval. */
      fps: number;
      /** Live-branch bitrate, kilobits per second. */
      bitrateKbps: number;
      width: number | null;
      height: number | null;
      /** Epoch ms of the newest frame, or null before the first. */
      lastFrameAt: number | null;
      /** Keyframes (IDR) on the live branch over the last interval. */
      keyframes: number;
      /** Frames sent to and dropped for the inference worker over the last interval (null: detection off). */
      analysis: { sent: number; dropped: number } | null;
    }
  | { type: 'still'; jpeg: Uint8Array; width: number; height: number; at: number }
  | SegmentMessage
  | {
      type: 'probe-result';
      codec: string;
      width: number | null;
      height: number | null;
      fps: number | null;
      /** The audio a recording keeps (an RTSP camera's AAC, or G.711 that the recording turns into AAC), or null. */
      audio: 'aac' | 'pcma' | 'pcmu' | null;
    }
  | {
      type: 'error';
      code: MediaErrorCode;
      /** Safe to show: credentials are scrubbed from GStreamer's text before it is sent. */
      message: string;
      /** True when the pipeline is gone and the worker is about to exit. */
      fatal: boolean;
    };

/**
 * One segment is complete (its file closed, nothing more is written to it). Times are on the session's own
 * timeline: the wall clock at the first segment's start plus the pipeline's running time, so a clock jump (NTP
 * at boot) while the worker runs never reorders or overlaps segments.
 */
export interface SegmentMessage {
  type: 'segment';
  /** Absolute path, inside `segments.dir`. */
  path: string;
  /** 0, 1, 2… within this session, in the order the segments were written. */
  sequence: number;
  /** Epoch ms of the segment's first frame. */
  startedAt: number;
  durationMs: number;
  bytes: number;
  /** Keyframes (IDR) in the segment: at least one, its first frame. */
  keyframes: number;
}

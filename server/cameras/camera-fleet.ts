import type { FastifyBaseLogger } from 'fastify';
import { CameraWorker, type CameraRuntime, type Still } from './camera-worker.js';
import { workerSource } from './camera-source.js';
import type { CameraRow } from './cameras.repository.js';
import type { CameraAnalysis } from '../../inference/protocol.js';
import type { Recorder, RecordingStatus } from '../recordings/recorder.js';
import { readRecordingSettings } from '../recordings/recording-settings.js';
import {
  readDetectionSettings,
  toAnalysisSettings,
  toCameraAnalysis,
} from '../detection/detection-settings.js';

/** Where a camera's RTP goes: one SFU mountpoint per camera, bound to loopback. */
export interface LiveIngest {
  ensureMountpoint(cameraId: number): Promise<{ rtpPort: number }>;
  removeMountpoint(cameraId: number): Promise<void>;
}

export interface CameraFleetOptions {
  log: FastifyBaseLogger;
  workerPath: string;
  ingest: LiveIngest;
  mediaDir: string;
  /** About 2 fps, at most 640 px wide: the snapshot/MJPEG endpoints now, detection later. */
  stills?: { fps: number; maxWidth: number; quality: number };
  backoffMs?: number;
  /** Detection: the inference worker's frame socket, and who hears which cameras have it on and with what
   * settings (every camera's, each time one changes). Null when detection cannot run (no models, media off). */
  detection?: {
    socket: string;
    onCameras: (cameras: CameraAnalysis[]) => void;
  } | null;
  /** Recording: the recorder that takes each camera's segments. Null when media runs without it. */
  recorder?: Recorder | null;
}

type StillListener = (still: Still) => void;

/** Every running camera worker, keyed by camera id, and the newest still of each (memory only). */
export function createCameraFleet(options: CameraFleetOptions) {
  const workers = new Map<number, { worker: CameraWorker; sourceKey: string }>();
  const stills = new Map<number, Still>();
  const listeners = new Map<number, Set<StillListener>>();
  const stillsConfig = options.stills ?? { fps: 2, maxWidth: 640, quality: 80 };

  const detecting = new Map<number, CameraAnalysis>();
  const announce = () =>
    options.detection?.onCameras([...detecting.values()].sort((a, b) => a.cameraId - b.cameraId));
  /** Records a camera's analysis; tells the listener only when it changed. */
  const detectWith = (analysis: CameraAnalysis) => {
    const before = detecting.get(analysis.cameraId);
    detecting.set(analysis.cameraId, analysis);
    if (before === undefined || JSON.stringify(before) !== JSON.stringify(analysis)) announce();
  };
  const stop = async (cameraId: number) => {
    const entry = workers.get(cameraId);
    workers.delete(cameraId);
    stills.delete(cameraId);
    if (detecting.delete(cameraId)) announce();
    await entry?.worker.stop();
  };

  return {
    /** Brings the worker in line with the row: started, restarted on a source change, or stopped. */
    apply: async (row: CameraRow): Promise<void> => {
      if (row.enabled !== 1) {
        await stop(row.id);
        return;
      }
      const source = workerSource(row, options.mediaDir);
      const detection = row.detect === 1 ? options.detection : null;
      const settings = detection ? readDetectionSettings(row.detection_settings) : null;
      const analysis = detection && settings ? toAnalysisSettings(detection.socket, settings) : undefined;
      // Only what the camera worker itself uses restarts it (its source, and the analysis frames' rate and
      // size); labels, thresholds, zones and masks reach the inference worker without cutting the picture.
      const recorder = options.recorder ?? null;
      const recording = recorder ? readRecordingSettings(row.recording_settings) : null;
      const records = recording !== null && recording.mode !== 'off';
      // The mode and the pre/post-roll apply at once; only turning recording on or off and a new segment
      // length restart the worker.
      const sourceKey = JSON.stringify({
        source,
        analysis: analysis ?? null,
        segments: records ? recording.segmentSeconds : null,
      });
      if (recording && records) recorder?.configure(row.id, recording);
      else recorder?.removeCamera(row.id);
      if (workers.get(row.id)?.sourceKey === sourceKey) {
        if (settings) detectWith(toCameraAnalysis(row.id, settings));
        return;
      }
      await stop(row.id);
      const worker = new CameraWorker({
        cameraId: row.id,
        source,
        workerPath: options.workerPath,
        log: options.log,
        ingestPort: async () => (await options.ingest.ensureMountpoint(row.id)).rtpPort,
        stills: stillsConfig,
        analysis,
        segments:
          recorder && recording && records
            ? {
                seconds: recording.segmentSeconds,
                session: () => recorder.startSession(row.id),
                onSegment: (dir, segment) => recorder.onSegment(row.id, dir, segment),
                onSessionEnd: (dir) => recorder.endSession(row.id, dir),
              }
            : undefined,
        onStill: (still) => {
          stills.set(row.id, still);
          for (const listener of listeners.get(row.id) ?? []) listener(still);
        },
        ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
      });
      workers.set(row.id, { worker, sourceKey });
      if (settings) detectWith(toCameraAnalysis(row.id, settings));
      worker.start();
    },

    remove: async (cameraId: number): Promise<void> => {
      await stop(cameraId);
      options.recorder?.removeCamera(cameraId);
      await options.ingest.removeMountpoint(cameraId);
    },

    restartCamera: (cameraId: number): void => {
      workers.get(cameraId)?.worker.restartNow();
    },

    /** Asks a camera for a keyframe on its live branch (a viewer just joined); nothing if it is not running. */
    requestKeyframe: (cameraId: number): void => {
      workers.get(cameraId)?.worker.requestKeyframe();
    },

    runtime: (cameraId: number): CameraRuntime | undefined => workers.get(cameraId)?.worker.runtime,

    /** What the recorder does with the camera (its mode from the row; off when it is not running). */
    recording: (row: CameraRow): RecordingStatus => {
      const mode = readRecordingSettings(row.recording_settings).mode;
      const running = row.enabled === 1 && workers.has(row.id);
      return options.recorder && running
        ? options.recorder.status(row.id, mode)
        : { mode, state: 'off', reason: null, lastKeptAt: null };
    },

    latestStill: (cameraId: number): Still | undefined => stills.get(cameraId),

    onStill: (cameraId: number, listener: StillListener): (() => void) => {
      const set = listeners.get(cameraId) ?? new Set<StillListener>();
      listeners.set(cameraId, set);
      set.add(listener);
      return () => set.delete(listener);
    },

    workers: () =>
      [...workers].map(([cameraId, { worker }]) => ({
        cameraId,
        pid: worker.pid,
        status: worker.runtime.status,
      })),

    stopAll: async (): Promise<void> => {
      await Promise.all([...workers.keys()].map((id) => stop(id)));
    },
  };
}
export type CameraFleet = ReturnType<typeof createCameraFleet>;

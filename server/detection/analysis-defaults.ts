import type { CameraAnalysis } from '../../inference/protocol.js';

/** Analysis frames: at most 640 px wide, 5 a second while something moves, 2 otherwise. */
export const ANALYSIS_FRAMES = { maxWidth: 640, fps: 5, idleFps: 2 } as const;

/** What a camera with detection on tracks until its own settings say otherwise. */
export const DEFAULT_LABELS = [
  'person',
  'car',
  'truck',
  'bus',
  'bicycle',
  'motorcycle',
  'dog',
  'cat',
  'bird',
];

export function defaultAnalysis(cameraId: number): CameraAnalysis {
  return {
    cameraId,
    mode: 'objects',
    labels: DEFAULT_LABELS,
    minScore: {},
    defaultScore: 0.5,
    motion: { sensitivity: 70, minArea: 0.0005, masks: [] },
    zones: [],
    faces: true,
  };
}

import { DEFAULT_MOTION } from '../../inference/motion/motion-detector.js';
import type { DetectionSettings } from './detection-settings.schemas.js';

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

/** The settings of a camera that has none of its own (cameras.detection_settings is null). */
export function defaultDetectionSettings(): DetectionSettings {
  return {
    mode: 'objects',
    labels: [...DEFAULT_LABELS],
    minScore: {},
    defaultScore: 0.5,
    motion: { sensitivity: DEFAULT_MOTION.sensitivity, minArea: DEFAULT_MOTION.minArea, masks: [] },
    zones: [],
    faces: true,
    frames: { ...ANALYSIS_FRAMES },
  };
}

/**
 * The models Vigil ships: which TensorFlow.js graphs of `@vladmandic/human` (MIT) it converts, what each does,
 * and how a picture becomes its input (the scaling the graph was trained with).
 */
import { COCO_LABELS } from './coco-labels.js';

export const SOURCE_PACKAGE = '@vladmandic/human';

export type ModelId = 'centernet' | 'blazeface' | 'faceres';

export interface ShippedModel {
  id: ModelId;
  /** The graph's model.json inside the source package. */
  source: string;
  task: 'objects' | 'faces' | 'face-embedding';
  /** RGB pixels (0–255) reach the graph as pixel * scale + offset. */
  input: { size: number; scale: number; offset: number };
  labels?: readonly string[];
  about: string;
}

export const SHIPPED_MODELS: readonly ShippedModel[] = [
  {
    id: 'centernet',
    source: 'models/centernet.json',
    task: 'objects',
    input: { size: 512, scale: 1, offset: 0 },
    labels: COCO_LABELS,
    about: 'CenterNet on MobileNetV3: the 80 COCO objects; boxes decoded in the graph (top 100)',
  },
  {
    id: 'blazeface',
    source: 'models/blazeface.json',
    task: 'faces',
    input: { size: 256, scale: 1 / 127.5, offset: -1 },
    labels: ['face'],
    about: 'BlazeFace (back camera, 256 px): face boxes and six landmarks over 896 anchors',
  },
  {
    id: 'faceres',
    source: 'models/faceres.json',
    task: 'face-embedding',
    input: { size: 224, scale: 1, offset: 0 },
    about: 'HSE FaceRes: a 1024-value face descriptor (plus age and gender heads, unused)',
  },
];

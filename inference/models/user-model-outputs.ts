/**
 * Which detector layout a model's outputs (as onnxruntime really gave them on one run) are, checked against the
 * label list: YOLOv8/YOLO11's one [1, 4 + C, N] output, or SSD-style boxes [1, N, 4] with scores [1, N, C] or
 * scores [1, N] and classes [1, N]. Outputs of rank 0 or 1 (TensorFlow's num_detections) are ignored. The
 * messages say what was expected and what was found.
 */
import type { UserDetectorSpec } from '../protocol.js';
import { UserModelError } from './user-model-error.js';

export interface ProbedOutput {
  name: string;
  /** onnxruntime's element type: float32, int64, … */
  type: string;
  dims: number[];
}

const show = (o: ProbedOutput) => `${o.name} [${o.dims.join(', ')}] (${o.type})`;
const isFloat = (o: ProbedOutput) => o.type === 'float32';
const CLASS_NAME = /class|label/i;
const BOX_NAME = /box|loc/i;

export function matchOutputs(
  outputs: readonly ProbedOutput[],
  labels: readonly string[],
): { kind: UserDetectorSpec['kind']; outputs: UserDetectorSpec['outputs'] } {
  const count = labels.length;
  if (count === 0)
    throw new UserModelError('MODEL_LABELS_MISMATCH', 'expected at least one label, found none');
  const expected =
    `expected a YOLO output [1, 4 + C, N] (with ${count} labels: [1, ${4 + count}, N]) or SSD outputs ` +
    `boxes [1, N, 4] with scores [1, N, ${count}], or scores [1, N] with classes [1, N]`;
  const found = outputs.map(show).join(', ');
  const mismatch = (hint = '') =>
    new UserModelError('MODEL_SHAPE_MISMATCH', `${expected}; found ${found || 'no outputs'}${hint}`);
  const used = outputs.filter((o) => o.dims.length >= 2);
  const [only] = used;

  // YOLO: one output, channels first.
  if (used.length === 1 && only && only.dims.length === 3 && only.dims[0] === 1 && only.dims[2] !== 4) {
    const [, channels = 0, anchors = 0] = only.dims;
    if (!isFloat(only)) throw mismatch(' (YOLO scores must be float32)');
    if (channels === 4 + count && anchors > 0) {
      return { kind: 'yolo', outputs: { boxes: only.name, scores: null, classes: null } };
    }
    if (anchors === 4 + count) {
      throw mismatch(': that is [1, N, 4 + C]; export the model with the channels first ([1, 4 + C, N])');
    }
    if (channels > 4) {
      throw new UserModelError(
        'MODEL_LABELS_MISMATCH',
        `expected ${count} labels to match the model, found an output ${show(only)} with ${channels - 4} class scores (4 + C = ${channels}): give one label per class, in the model's order`,
      );
    }
    throw mismatch();
  }

  // SSD: boxes first, then their scores (and classes) over the same N.
  const boxCandidates = used.filter((o) => o.dims.length === 3 && o.dims[0] === 1 && o.dims[2] === 4);
  const named = boxCandidates.filter((o) => BOX_NAME.test(o.name));
  const boxes = boxCandidates.length === 1 ? boxCandidates[0] : named.length === 1 ? named[0] : undefined;
  if (!boxes || !isFloat(boxes)) throw mismatch();
  const n = boxes.dims[1];
  const rest = used.filter((o) => o !== boxes && o.dims[0] === 1 && o.dims[1] === n);
  const perLabel = rest.filter((o) => o.dims.length === 3 && isFloat(o));
  const flat = rest.filter((o) => o.dims.length === 2);
  const [scoresPerLabel] = perLabel;
  if (perLabel.length === 1 && scoresPerLabel) {
    const columns = scoresPerLabel.dims[2];
    if (columns !== count) {
      throw new UserModelError(
        'MODEL_LABELS_MISMATCH',
        `expected ${count} labels to match the model, found scores ${show(scoresPerLabel)} with ${String(columns)} classes: give one label per class, in the model's order`,
      );
    }
    return { kind: 'ssd', outputs: { boxes: boxes.name, scores: scoresPerLabel.name, classes: null } };
  }
  if (perLabel.length > 1) throw mismatch(': more than one [1, N, C] output');
  const classes = flat.filter((o) => CLASS_NAME.test(o.name));
  const scores = flat.filter((o) => !CLASS_NAME.test(o.name) && isFloat(o));
  const [score] = scores;
  if (scores.length !== 1 || !score || classes.length > 1) {
    throw mismatch(
      flat.length > 1
        ? ': name the class output so it contains "class" and the score output so it does not'
        : '',
    );
  }
  const [cls] = classes;
  if (!cls && count !== 1) {
    throw new UserModelError(
      'MODEL_LABELS_MISMATCH',
      `expected one label for scores ${show(score)} without a classes output, found ${count} labels`,
    );
  }
  return { kind: 'ssd', outputs: { boxes: boxes.name, scores: score.name, classes: cls?.name ?? null } };
}

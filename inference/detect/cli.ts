/**
 * `npm run detect -- <image> [--model centernet|blazeface] [--min-score 0.3] [--threads 1] [--models <dir>]`:
 * prints what a model finds in a picture file as JSON — each detection's label, score and box in pixels of the
 * picture — with the model and the milliseconds the inference took (after one warm-up run, also reported).
 */
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../image/decode.js';
import { loadShippedModel } from '../models/session.js';
import { detectFaces } from './faces.js';
import { detectObjects } from './objects.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'centernet' },
    'min-score': { type: 'string', default: '0.3' },
    threads: { type: 'string', default: '1' },
    models: { type: 'string', default: '.runtime/models' },
  },
});

const [imagePath] = positionals;
if (!imagePath) {
  console.error('usage: npm run detect -- <image> [--model centernet|blazeface] [--min-score 0.3]');
  process.exit(2);
}
try {
  const minScore = Number(args['min-score']);
  const model = await loadShippedModel(args.models, args.model, { threads: Number(args.threads) });
  const image = await decodeImageFile(imagePath);
  const detect = () =>
    model.manifest.task === 'faces'
      ? detectFaces(model, image, minScore)
      : detectObjects(model, image, { defaultScore: minScore });
  // onnxruntime plans its kernels on the first run; the figure that matters is the steady one after it.
  let started = performance.now();
  await detect();
  const firstRunMs = performance.now() - started;
  started = performance.now();
  const found = await detect();
  const ms = performance.now() - started;
  const round = (v: number) => Math.round(v);
  const detections = found.map((d) => ({
    label: d.label,
    score: Number(d.score.toFixed(3)),
    box: { x: round(d.box.x), y: round(d.box.y), width: round(d.box.width), height: round(d.box.height) },
  }));
  const report = {
    image: imagePath,
    width: image.width,
    height: image.height,
    model: model.manifest.id,
    ms: Number(ms.toFixed(1)),
    firstRunMs: Number(firstRunMs.toFixed(1)),
    detections,
  };
  console.log(JSON.stringify(report, null, 2));
} catch (error) {
  const code = (error as { code?: string }).code ?? 'DETECT_FAILED';
  console.error(`detect: ${code}: ${(error as Error).message}`);
  process.exit(1);
}

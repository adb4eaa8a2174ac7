import { it } from 'vitest';
import { decodeImageFile } from '../inference/image/decode.js';
import { toModelInput } from '../inference/image/rgb.js';
import { SHIPPED_MODELS } from '../inference/models/catalogue.js';
import { loadShippedModel, runSingle } from '../inference/models/session.js';
import { freshModels, samplePicture, sourceGraph } from '../tests/inference/fixtures.js';
import { loadTfjsModel, runTfjs, useBackend } from '../tests/inference/tfjs-reference.js';
import type { RgbImage } from '../inference/image/rgb.js';
import { DEFAULT_MOTION, MotionDetector } from '../inference/motion/motion-detector.js';

/**
 * `npm run bench:detect`: per-inference latency of each shipped model in onnxruntime (1 and 2 intra-op
 * threads) against TensorFlow.js's wasm backend (SIMD, one thread) running the same graph on the same input in
 * the same run; the ratio is the figure. Record the output in bench/RESULTS.md.
 */
const QUICK = process.env['BENCH_QUICK'] === '1';
const RUNS = QUICK ? 5 : 40;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function time(task: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await task();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

/** centernet's p50 on one thread in this run: the baseline motion's cost is told against. */
let centernetP50: number | null = null;

it('measures the models: onnxruntime against TensorFlow.js wasm', async () => {
  const { dir } = await freshModels();
  await useBackend('wasm');
  const picture = await decodeImageFile(await samplePicture('samples.jpg'));
  const lines: string[] = [];
  const fmt = (t: { p50: number; p95: number }) =>
    `${t.p50.toFixed(1).padStart(6)} / ${t.p95.toFixed(1).padStart(6)} ms`;
  for (const shipped of SHIPPED_MODELS) {
    const { size, scale, offset } = shipped.input;
    const input = toModelInput(picture, { x: 0, y: 0, width: picture.width, height: picture.height }, size, {
      scale,
      offset,
    });
    const shape = [1, size, size, 3];
    const reference = await loadTfjsModel(await sourceGraph(shipped.source));
    const ort: Record<number, { p50: number; p95: number }> = {};
    let names: string[] = [];
    for (const threads of [1, 2]) {
      const model = await loadShippedModel(dir, shipped.id, { threads });
      names = model.manifest.outputs.map((o) => o.name);
      ort[threads] = await time(() => runSingle(model, input.tensor, shape));
      await model.session.release();
    }
    const wasm = await time(() => runTfjs(reference, { data: input.tensor, shape }, names));
    if (shipped.id === 'centernet') centernetP50 = ort[1]!.p50;
    lines.push(
      `${shipped.id.padEnd(10)} onnxruntime 1 thread ${fmt(ort[1]!)}  2 threads ${fmt(ort[2]!)}  ` +
        `TensorFlow.js wasm ${fmt(wasm)}  → ${(wasm.p50 / ort[1]!.p50).toFixed(2)}× faster on 1 thread`,
    );
  }
  console.log(
    `\nPer-inference latency, p50 / p95 over ${RUNS} runs (sample photo input):\n${lines.join('\n')}\n`,
  );
});

/** A 640 × 360 analysis frame: textured grey, a dark square at `x` (a thing walking across), lit at `level`. */
function scene(x: number, level: number): RgbImage {
  const width = 640;
  const height = 360;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let col = 0; col < width; col++) {
      const inside = col >= x && col < x + 60 && y >= 150 && y < 210;
      const v = inside ? 20 : Math.min(255, level + ((col * 13 + y * 7) % 17));
      data.fill(v, (y * width + col) * 3, (y * width + col) * 3 + 3);
    }
  return { width, height, data };
}

it('measures motion: per frame, against one detector run (the work it saves when nothing moves)', async () => {
  const frames = Array.from({ length: 20 }, (_, i) => scene(40 + i * 25, i === 10 ? 170 : 120));
  const detector = new MotionDetector();
  let index = 0;
  const motion = await time(async () => {
    detector.detect(frames[index++ % frames.length]!);
  });
  const baseline =
    centernetP50 === null
      ? ''
      : `  → ${(centernetP50 / motion.p50).toFixed(0)}× cheaper than one centernet run (${centernetP50.toFixed(1)} ms)`;
  console.log(
    `Motion per 640 × 360 frame (worked on ${DEFAULT_MOTION.height} px high grey; moving square, one lighting step): ` +
      `p50 ${motion.p50.toFixed(2)} ms, p95 ${motion.p95.toFixed(2)} ms${baseline}\n`,
  );
});

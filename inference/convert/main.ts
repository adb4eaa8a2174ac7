/**
 * `npm run models [-- --out <dir>] [--force]`: converts the shipped TensorFlow.js graphs to ONNX (see
 * build-models.ts). Prints one line per model; exits 1 with the converter's code and message on a refusal.
 */
import { parseArgs } from 'node:util';
import { SHIPPED_MODELS } from '../models/catalogue.js';
import { buildModel } from './build-models.js';
import { ConvertError } from './errors.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: '.runtime/models' },
    force: { type: 'boolean', default: false },
  },
});

try {
  for (const model of SHIPPED_MODELS) {
    const started = performance.now();
    const { manifest, converted } = await buildModel(model, args.out, args.force);
    const took = (performance.now() - started).toFixed(0);
    console.log(
      converted
        ? `models: ${model.id} converted in ${took} ms: ${manifest.onnx.nodes} ONNX nodes, ` +
            `${manifest.onnx.layoutTransposes} layout transposes, ${(manifest.bytes / 1e6).toFixed(1)} MB, sha256 ${manifest.sha256.slice(0, 12)}`
        : `models: ${model.id} up to date (${manifest.source.package}@${manifest.source.version})`,
    );
  }
} catch (error) {
  if (error instanceof ConvertError) {
    console.error(`models: ${error.code}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

/**
 * TensorFlow.js running a graph model straight from the source package: the reference the converted ONNX
 * models are checked against (tests) and raced against (bench:detect). Backend `wasm` is tfjs's fastest in
 * Node without native bindings (SIMD, one thread here); `cpu` is the pure-JS one.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let backendReady: Promise<void> | undefined;

/** Selects the backend once per process. */
export function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  backendReady ??= (async () => {
    if (name === 'wasm') {
      const require = createRequire(import.meta.url);
      setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
      setThreadsCount(1);
    }
    await tf.setBackend(name);
    await tf.ready();
  })();
  return backendReady;
}

/** Loads model.json and its shards from disk without tfjs-node's file handler. */
export async function loadTfjsModel(modelJsonPath: string): Promise<tf.GraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    format?: string;
    signature?: object;
    userDefinedMetadata?: Record<string, object>;
  };
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) shards.push(await readFile(join(dirname(modelJsonPath), path)));
  }
  const weights = Buffer.concat(shards);
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: json.format ?? 'graph-model',
      ...(json.signature ? { signature: json.signature } : {}),
      ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
    }),
  };
  return tf.loadGraphModel(handler);
}

/** Runs the model on one NHWC float input and returns the named outputs as flat arrays with their shapes. */
export async function runTfjs(
  model: tf.GraphModel,
  input: { data: Float32Array; shape: number[] },
  outputs: string[],
): Promise<Record<string, { data: Float32Array | Int32Array; shape: number[] }>> {
  const x = tf.tensor(input.data, input.shape, 'float32');
  // The graphs have no control flow, so the synchronous executor runs them (executeAsync only warns so).
  const result = model.execute(x, outputs);
  const tensors = Array.isArray(result) ? result : [result];
  const out: Record<string, { data: Float32Array | Int32Array; shape: number[] }> = {};
  for (let k = 0; k < outputs.length; k++) {
    const t = tensors[k]!;
    out[outputs[k]!] = { data: (await t.data()) as Float32Array | Int32Array, shape: t.shape };
  }
  tf.dispose([x, ...tensors]);
  return out;
}

export { tf };

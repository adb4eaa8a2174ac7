/**
 * The short-lived child that opens a user's ONNX file with onnxruntime and runs it once on a blank input, so
 * a file that crashes or hangs onnxruntime takes down only this process (user-model-probe.ts forks it with a
 * deadline). It gets `{ file, input: { name, shape } }`, answers one ProbeAnswer and exits.
 * Self-contained on purpose (onnxruntime and Node only): tests run it from source under Node's type stripping.
 */
import ort from 'onnxruntime-node';

export interface ProbeRequest {
  file: string;
  input: { name: string; shape: number[] };
}

export type ProbeAnswer =
  | {
      ok: true;
      inputs: string[];
      outputs: { name: string; type: string; dims: number[] }[];
    }
  | { ok: false; message: string };

async function probe(request: ProbeRequest): Promise<ProbeAnswer> {
  const session = await ort.InferenceSession.create(request.file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (!session.inputNames.includes(request.input.name)) {
    return {
      ok: false,
      message: `onnxruntime sees inputs ${session.inputNames.join(', ')}, not ${request.input.name}`,
    };
  }
  const size = request.input.shape.reduce((a, b) => a * b, 1);
  const feeds = {
    [request.input.name]: new ort.Tensor('float32', new Float32Array(size), request.input.shape),
  };
  const results = await session.run(feeds);
  const outputs = session.outputNames.map((name) => {
    const value = results[name];
    return { name, type: value?.type ?? 'missing', dims: value ? [...value.dims] : [] };
  });
  return { ok: true, inputs: [...session.inputNames], outputs };
}

process.once('message', (request: ProbeRequest) => {
  probe(request)
    .catch((failure: unknown): ProbeAnswer => ({
      ok: false,
      message: failure instanceof Error ? failure.message : String(failure),
    }))
    .then((answer) => process.send?.(answer, () => process.exit(0)))
    .catch(() => process.exit(1));
});
process.on('disconnect', () => process.exit(0));

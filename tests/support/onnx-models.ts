/**
 * Tiny ONNX detectors the tests make themselves with onnx-proto: a YOLO-shaped one (input → Conv → Reshape to
 * [1, 4 + C, N]), an SSD-shaped one (boxes [1, N, 4] and scores [1, N, C] through Reshape + Transpose), and
 * valid models with the wrong shapes or weights in an external file. The Conv has zero weights, so its output
 * is its bias at every position: each anchor then says the same box and scores, which tests can predict.
 */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

type Dim = number | string;

const valueInfo = (name: string, dims: Dim[]): OnnxTypes.IValueInfoProto => ({
  name,
  type: {
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

const floats = (name: string, dims: number[], values: ArrayLike<number>): OnnxTypes.ITensorProto => ({
  name,
  dims,
  dataType: FLOAT,
  rawData: new Uint8Array(Float32Array.from(values).buffer),
});

const int64s = (name: string, values: number[]): OnnxTypes.ITensorProto => ({
  name,
  dims: [values.length],
  dataType: INT64,
  rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer),
});

function encode(
  nodes: OnnxTypes.INodeProto[],
  initializer: OnnxTypes.ITensorProto[],
  inputs: OnnxTypes.IValueInfoProto[],
  outputs: OnnxTypes.IValueInfoProto[],
): Buffer {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vigil-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'tiny', node: nodes, initializer, input: inputs, output: outputs },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

export interface TinyOptions {
  /** Input side, px (default 32); the Conv has stride 4, so N = (side / 4)². */
  side?: number;
  /** `[1, side, side, 3]` input instead of NCHW. */
  nhwc?: boolean;
  /** A symbolic side (`H`, `W`) instead of a fixed one. */
  symbolic?: boolean;
}

/**
 * input → (Transpose when NHWC) → Conv(k 4, stride 4, `channels` out, zero weights, `bias`) → [1, channels, n, n].
 * Returns the nodes, weights and the input declaration.
 */
function convHead(name: string, channels: number, bias: number[], options: TinyOptions) {
  const side = options.side ?? 32;
  const dim = options.symbolic ? ['H', 'W'] : [side, side];
  const input = options.nhwc
    ? valueInfo('images', [1, dim[0]!, dim[1]!, 3])
    : valueInfo('images', [1, 3, dim[0]!, dim[1]!]);
  const nodes: OnnxTypes.INodeProto[] = [];
  let source = 'images';
  if (options.nhwc) {
    nodes.push({
      opType: 'Transpose',
      input: ['images'],
      output: ['planes'],
      attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 3, 1, 2] }],
    });
    source = 'planes';
  }
  nodes.push({
    opType: 'Conv',
    input: [source, `${name}_w`, `${name}_b`],
    output: [`${name}_conv`],
    attribute: [
      { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [4, 4] },
      { name: 'strides', type: onnx.AttributeProto.AttributeType.INTS, ints: [4, 4] },
    ],
  });
  const weights = [
    floats(`${name}_w`, [channels, 3, 4, 4], new Float32Array(channels * 48)),
    floats(`${name}_b`, [channels], bias),
  ];
  return { nodes, weights, input, side };
}

/** YOLOv8-style: one output `output0` [1, 4 + C, N]; every anchor says box (cx, cy, w, h) with `scores`. */
export function yoloModel(
  box: [number, number, number, number],
  scores: number[],
  options: TinyOptions = {},
): Buffer {
  const channels = 4 + scores.length;
  const head = convHead('head', channels, [...box, ...scores], options);
  return encode(
    [...head.nodes, { opType: 'Reshape', input: ['head_conv', 'flat'], output: ['output0'] }],
    [...head.weights, int64s('flat', [1, channels, -1])],
    [head.input],
    [valueInfo('output0', [1, channels, 'anchors'])],
  );
}

/** SSD-style: `boxes` [1, N, 4] (x0, y0, x1, y1 normalised) and `scores` [1, N, C]. */
export function ssdModel(
  corners: [number, number, number, number],
  scores: number[],
  options: TinyOptions = {},
): Buffer {
  const boxes = convHead('loc', 4, corners, options);
  const conf = convHead('conf', scores.length, scores, options);
  const perm = { name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 1] };
  return encode(
    [
      ...boxes.nodes,
      ...conf.nodes.filter((n) => n.opType === 'Conv'),
      { opType: 'Reshape', input: ['loc_conv', 'loc_flat'], output: ['loc_rows'] },
      { opType: 'Transpose', input: ['loc_rows'], output: ['boxes'], attribute: [perm] },
      { opType: 'Reshape', input: ['conf_conv', 'conf_flat'], output: ['conf_rows'] },
      { opType: 'Transpose', input: ['conf_rows'], output: ['scores'], attribute: [perm] },
    ],
    [
      ...boxes.weights,
      ...conf.weights,
      int64s('loc_flat', [1, 4, -1]),
      int64s('conf_flat', [1, scores.length, -1]),
    ],
    [boxes.input],
    [valueInfo('boxes', [1, 'n', 4]), valueInfo('scores', [1, 'n', scores.length])],
  );
}

/** A valid ONNX model whose one output is the Conv's [1, 5, 8, 8]: no detector layout. */
export function wrongShapeModel(): Buffer {
  const head = convHead('head', 5, [0, 0, 0, 0, 0], {});
  return encode(head.nodes, head.weights, [head.input], [valueInfo('head_conv', [1, 5, 8, 8])]);
}

/** The YOLO model with its Conv weights said to be in a file beside it (external data). */
export function externalDataModel(): Buffer {
  const head = convHead('head', 5, [0, 0, 0, 0, 0], {});
  const [weights, bias] = head.weights;
  const external: OnnxTypes.ITensorProto = {
    name: weights!.name ?? null,
    dims: weights!.dims ?? null,
    dataType: FLOAT,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: '../../../etc/passwd' },
      { key: 'length', value: '960' },
    ],
  };
  return encode(
    [...head.nodes, { opType: 'Reshape', input: ['head_conv', 'flat'], output: ['output0'] }],
    [external, bias!, int64s('flat', [1, 5, -1])],
    [head.input],
    [valueInfo('output0', [1, 5, 'anchors'])],
  );
}

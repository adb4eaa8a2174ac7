/**
 * The state an op converter works with: the ONNX graph being written and the tensors seen so far, with the two
 * views of a rank-4 tensor. A value is transposed between NHWC and NCHW at most once each way (cached), so
 * the only transposes in a model are where an NCHW run meets a layout-bound op (Reshape, the graph's edges).
 */
import { OnnxGraph } from './onnx-graph.js';
import type { Constant } from './tfjs-graph.js';
import { TO_NCHW, TO_NHWC, permuteConstant, type Tensor } from './tensor.js';
import type { GraphNode } from './tfjs-graph.js';

export type OpConverter = (node: GraphNode, inputs: Tensor[], cx: Context) => Tensor[];

export class Context {
  readonly graph = new OnnxGraph();
  private readonly plainViews = new Map<Tensor, string>();
  private readonly nchwViews = new Map<Tensor, string>();
  /** How many Transpose nodes the layout bookkeeping added (reported in the manifest). */
  transposes = 0;

  /** The tensor's ONNX value in TensorFlow's own layout. */
  plain(t: Tensor, hint = 'value'): string {
    if (t.constant && !t.onnx) return this.constantName(t, false, hint);
    if (!t.nchw) return t.onnx;
    let name = this.plainViews.get(t);
    if (!name) {
      this.transposes++;
      [name] = this.graph.node('Transpose', [t.onnx], { perm: TO_NHWC }, `${t.onnx}/nhwc`);
      this.plainViews.set(t, name!);
    }
    return name!;
  }

  /** The rank-4 tensor's ONNX value in NCHW. */
  nchw(t: Tensor, hint = 'value'): string {
    if (t.constant && !t.onnx) return this.constantName(t, true, hint);
    if (t.nchw) return t.onnx;
    let name = this.nchwViews.get(t);
    if (!name) {
      this.transposes++;
      [name] = this.graph.node('Transpose', [t.onnx], { perm: TO_NCHW }, `${t.onnx}/nchw`);
      this.nchwViews.set(t, name!);
    }
    return name!;
  }

  /** A constant written as an initializer, already permuted when the NCHW view is asked for (no run-time op). */
  private constantName(t: Tensor, nchw: boolean, hint: string): string {
    const views = nchw ? this.nchwViews : this.plainViews;
    let name = views.get(t);
    if (!name) {
      const constant = t.constant!;
      // A lower-rank constant meeting an NCHW tensor broadcasts as NumPy would in NHWC: pad to rank 4 first.
      const padded = {
        ...constant,
        shape: [...new Array<number>(4 - constant.shape.length).fill(1), ...constant.shape],
      };
      name = this.initializer(nchw ? permuteConstant(padded, TO_NCHW) : constant, hint);
      views.set(t, name);
    }
    return name;
  }

  initializer(constant: Constant, hint: string): string {
    return this.graph.initializer(constant, hint);
  }
}

/** A fresh tensor for an ONNX value just written. */
export function produced(onnx: string, shape: number[], dtype: Tensor['dtype'], nchw: boolean): Tensor {
  return { onnx, shape, dtype, nchw };
}

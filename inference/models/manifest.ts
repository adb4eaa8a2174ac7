/** What `npm run models` writes beside each ONNX file, and what the inference worker checks before loading it. */
import type { GraphIo } from '../convert/onnx-graph.js';

export interface ModelManifest {
  id: string;
  task: 'objects' | 'faces' | 'face-embedding';
  about: string;
  /** The ONNX file, beside this manifest. */
  file: string;
  sha256: string;
  bytes: number;
  /** Where the graph came from: package, version and the digests of the files read. */
  source: { package: string; version: string; files: Record<string, string> };
  /** A digest of the converter build that wrote the file. */
  converter: string;
  /** RGB pixels (0–255) reach the graph as pixel * scale + offset, resized to size × size. */
  input: { size: number; scale: number; offset: number };
  inputs: GraphIo[];
  outputs: GraphIo[];
  labels: string[];
  onnx: { ops: string[]; nodes: number; layoutTransposes: number };
}

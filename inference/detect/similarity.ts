/**
 * Face descriptors compared: cosine similarity of unit vectors, their dot product (0 when their lengths
 * differ). No onnxruntime here, so the server can match faces the way the worker does.
 */
export function similarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Cosine similarity at or above which a face is an enrolled person's (the server may send another). */
export const FACE_MATCH_THRESHOLD = 0.75;

/** The enrolled people, and who a face descriptor is: the best cosine similarity over every sample. */
import { FACE_MATCH_THRESHOLD, similarity } from '../detect/similarity.js';
import type { KnownFace } from '../protocol.js';

export interface FaceMatch {
  faceId: number | null;
  name: string | null;
  similarity: number;
}

export class FaceBook {
  private people: { id: number; name: string; samples: Float32Array[] }[] = [];
  private threshold = FACE_MATCH_THRESHOLD;

  set(faces: readonly KnownFace[], threshold: number): void {
    this.threshold = threshold;
    this.people = faces.map((face) => ({
      id: face.id,
      name: face.name,
      samples: face.descriptors.map((d) => Float32Array.from(d)),
    }));
  }

  match(descriptor: Float32Array): FaceMatch {
    let best: FaceMatch = { faceId: null, name: null, similarity: 0 };
    for (const person of this.people) {
      for (const sample of person.samples) {
        const score = similarity(descriptor, sample);
        if (score > best.similarity) best = { faceId: person.id, name: person.name, similarity: score };
      }
    }
    return best.similarity >= this.threshold
      ? best
      : { faceId: null, name: null, similarity: best.similarity };
  }
}

/**
 * The worker's object detector slot. Centernet stays loaded for the worker's life (the fallback, and the way
 * back); a user's detector is loaded when chosen and freed when replaced. A choice that fails to load leaves
 * the slot as it was, so a bad file never leaves the cameras without a detector.
 */
import { loadUserDetector } from '../detect/user-detector.js';
import type { ObjectDetector } from '../detect/object-detector.js';
import type { DetectorChoice } from '../protocol.js';
import type { SessionOptions } from './session.js';

export class DetectorSwitch {
  constructor(
    /** The analysers' shared models: `objects` is replaced in place, so every camera sees the swap. */
    private readonly slot: { objects: ObjectDetector },
    private readonly centernet: ObjectDetector,
    private readonly options: SessionOptions,
  ) {}

  get current(): ObjectDetector {
    return this.slot.objects;
  }

  /** Puts `choice` in the slot; throws (ModelLoadError) with the slot unchanged when it cannot be loaded. */
  async choose(choice: DetectorChoice): Promise<ObjectDetector> {
    const previous = this.slot.objects;
    if (!('file' in choice)) {
      this.slot.objects = this.centernet;
    } else if (previous.id === choice.id && previous.sha256 === choice.sha256) {
      return previous;
    } else {
      this.slot.objects = await loadUserDetector(choice, this.options);
    }
    if (previous !== this.centernet && previous !== this.slot.objects) await previous.release();
    return this.slot.objects;
  }
}

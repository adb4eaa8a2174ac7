/**
 * One camera's analysis, frame by frame: motion gates everything (no motion, no detector run); with motion the
 * object detector looks at the region around it, the tracker turns detections into tracks, person tracks get
 * their faces detected and matched, and each confirmed track is reported as it starts, changes and ends, with
 * the best snapshot so far. A `motion` camera reports motion bursts instead, through the same tracker.
 */
import type { Detection } from '../detect/boxes.js';
import { faceDescriptor } from '../detect/embedding.js';
import { detectFaces } from '../detect/faces.js';
import type { ObjectDetector } from '../detect/object-detector.js';
import { encodeJpeg } from '../image/jpeg.js';
import type { Rect, RgbImage } from '../image/rgb.js';
import type { LoadedModel } from '../models/session.js';
import { MotionDetector } from '../motion/motion-detector.js';
import { contains } from '../motion/polygon.js';
import type { CameraAnalysis, FaceReport, InferenceToServer, Snapshot, TrackReport } from '../protocol.js';
import { Tracker, type Track } from '../track/tracker.js';
import type { FaceBook } from './face-book.js';
import { faceCropJpeg } from './face-crop.js';
import { detectionRegion, normalise } from './regions.js';

export interface Models {
  /** Centernet or a user's detector; the worker swaps it in place (every analyser shares this object). */
  objects: ObjectDetector;
  faces: LoadedModel;
  descriptor: LoadedModel;
}

/** Motion bursts as tracks: one box around all motion, confirmed after 2 frames, ended after 5 still ones. */
const MOTION_LABEL = 'motion';
/** Track updates are sent at most this often (starts, ends and new snapshots always). */
const UPDATE_EVERY_MS = 1_000;
const SNAPSHOT_EVERY_MS = 2_000;
const FACE_EVERY_MS = 1_000;

interface TrackExtras {
  zones: Set<string>;
  faces: FaceReport[];
  lastSentAt: number;
  lastSnapshotAt: number;
  snapshotScore: number;
  lastFaceAt: number;
}

export class CameraAnalyser {
  private readonly motion: MotionDetector;
  private readonly tracker: Tracker;
  private size = { width: 1, height: 1 };
  private readonly extras = new Map<Track, TrackExtras>();
  private hadSomething = false;
  detectorRuns = 0;
  private analysed = 0;
  readonly inferenceMs: number[] = [];

  constructor(
    private readonly config: CameraAnalysis,
    private readonly models: Models,
    private readonly faceBook: FaceBook,
    private readonly emit: (message: InferenceToServer) => void,
  ) {
    this.motion = new MotionDetector(config.motion);
    // A motion burst is one event however its box jumps around: any motion continues it.
    this.tracker = new Tracker(config.mode === 'motion' ? { matchIou: 0 } : {});
  }

  /** Analyses one frame; returns whether anything is going on (the camera then sends at the analysis rate). */
  async analyse(frame: RgbImage, capturedAt: number): Promise<boolean> {
    const { width, height } = frame;
    this.size = { width, height };
    this.analysed++;
    const motion = this.motion.detect(frame);
    const moving = motion.boxes.length > 0;
    let detections: Detection[] = [];
    let looked: Rect[] = [];
    if (this.config.mode === 'motion') {
      if (moving)
        detections = [
          { label: MOTION_LABEL, score: Math.min(1, motion.area * 10), box: union(motion.boxes) },
        ];
      looked = [{ x: 0, y: 0, width, height }];
    } else {
      const movingTracks = this.tracker.live.filter((t) => !t.stationary).map((t) => t.box);
      // A change of the whole picture resets motion, but may hide a real arrival (lights on, someone there):
      // the detector then looks at the whole picture once.
      if (moving || movingTracks.length || motion.globalChange) {
        const region = motion.globalChange
          ? { x: 0, y: 0, width, height }
          : detectionRegion([...motion.boxes, ...movingTracks], width, height);
        const started = performance.now();
        detections = await this.models.objects.detect(
          frame,
          {
            labels: this.config.labels,
            minScore: this.config.minScore,
            defaultScore: this.config.defaultScore,
          },
          region,
        );
        this.record(performance.now() - started);
        this.detectorRuns++;
        looked = [region];
      }
    }
    const update = this.tracker.update(detections, looked, capturedAt);
    for (const track of update.started) await this.report('start', track, frame, capturedAt);
    for (const track of update.updated) await this.report('update', track, frame, capturedAt);
    for (const track of update.ended) await this.report('end', track, frame, capturedAt);
    const live = this.tracker.live.filter((t) => t.confirmed);
    const something = moving || live.length > 0;
    if (something || this.hadSomething) {
      this.emit({
        type: 'detections',
        cameraId: this.config.cameraId,
        capturedAt,
        motion: moving,
        objects: live.map((t) => ({
          trackId: t.id,
          label: t.label,
          score: t.score,
          box: normalise(t.box, width, height),
        })),
      });
    }
    this.hadSomething = something;
    // A track not yet confirmed needs its next frames soon (at the idle rate its second hit would wait ~0.5 s).
    return something || this.tracker.live.length > 0;
  }

  /** Frames analysed since the last call (fewer than received when newer frames replaced waiting ones). */
  takeAnalysed(): number {
    const analysed = this.analysed;
    this.analysed = 0;
    return analysed;
  }

  /** Ends every open track (the camera went away or its settings changed). */
  flush(at: number): void {
    for (const track of this.tracker.flush()) {
      const extras = this.extrasOf(track);
      this.emit({
        type: 'track',
        phase: 'end',
        cameraId: this.config.cameraId,
        track: this.describe(track, extras, this.size.width, this.size.height, at),
        snapshot: null,
      });
    }
  }

  private record(ms: number): void {
    this.inferenceMs.push(ms);
    if (this.inferenceMs.length > 100) this.inferenceMs.shift();
  }

  private extrasOf(track: Track): TrackExtras {
    let extras = this.extras.get(track);
    if (!extras) {
      extras = {
        zones: new Set(),
        faces: [],
        lastSentAt: 0,
        lastSnapshotAt: 0,
        snapshotScore: 0,
        lastFaceAt: 0,
      };
      this.extras.set(track, extras);
    }
    return extras;
  }

  private async report(
    phase: 'start' | 'update' | 'end',
    track: Track,
    frame: RgbImage,
    at: number,
  ): Promise<void> {
    const extras = this.extrasOf(track);
    const { width, height } = frame;
    let changed = phase !== 'update';
    if (phase !== 'end') {
      const foot = {
        x: (track.box.x + track.box.width / 2) / width,
        y: (track.box.y + track.box.height) / height,
      };
      for (const zone of this.config.zones) {
        if (!extras.zones.has(zone.name) && contains(zone.polygon, foot)) {
          extras.zones.add(zone.name);
          changed = true;
        }
      }
      if (
        this.config.faces &&
        track.label === 'person' &&
        at - extras.lastFaceAt >= FACE_EVERY_MS &&
        !extras.faces.some((f) => f.faceId !== null)
      ) {
        extras.lastFaceAt = at;
        changed = (await this.findFace(track, extras, frame)) || changed;
      }
    }
    let snapshot: Snapshot | null = null;
    const better =
      track.score > extras.snapshotScore + 0.05 && at - extras.lastSnapshotAt >= SNAPSHOT_EVERY_MS;
    if (phase === 'start' || (phase === 'update' && better)) {
      snapshot = this.snapshot(frame, track, at);
      extras.snapshotScore = track.score;
      extras.lastSnapshotAt = at;
      changed = true;
    }
    if (!changed && at - extras.lastSentAt < UPDATE_EVERY_MS) return;
    extras.lastSentAt = at;
    this.emit({
      type: 'track',
      phase,
      cameraId: this.config.cameraId,
      track: this.describe(track, extras, width, height, phase === 'end' ? at : null),
      snapshot,
    });
    if (phase === 'end') this.extras.delete(track);
  }

  /** The face in the top half of a person's box, described and matched; true when one was found. */
  private async findFace(track: Track, extras: TrackExtras, frame: RgbImage): Promise<boolean> {
    const head = {
      x: track.box.x,
      y: track.box.y,
      width: track.box.width,
      height: Math.max(track.box.height / 2, track.box.width),
    };
    const clipped = { ...head, height: Math.min(head.height, frame.height - head.y) };
    if (clipped.width < 24 || clipped.height < 24) return false;
    const [face] = await detectFaces(this.models.faces, frame, 0.6, clipped);
    if (!face) return false;
    const descriptor = await faceDescriptor(this.models.descriptor, frame, face.box);
    const match = this.faceBook.match(descriptor);
    const report: FaceReport = {
      ...match,
      descriptor: Array.from(descriptor),
      box: normalise(face.box, frame.width, frame.height),
      crop: faceCropJpeg(frame, face.box),
    };
    extras.faces = [
      report,
      ...extras.faces.filter((f) => f.faceId !== null && f.faceId !== match.faceId),
    ].slice(0, 3);
    return true;
  }

  private snapshot(frame: RgbImage, track: Track, at: number): Snapshot {
    const { width, height } = frame;
    return { jpeg: encodeJpeg(frame, 80), width, height, box: normalise(track.box, width, height), at };
  }

  private describe(
    track: Track,
    extras: TrackExtras,
    width: number,
    height: number,
    endedAt: number | null,
  ): TrackReport {
    return {
      trackId: track.id,
      label: track.label,
      startedAt: track.startedAt,
      endedAt,
      topScore: track.topScore,
      box: normalise(track.box, width, height),
      path: track.path.map((p) => ({ at: p.at, box: normalise(p.box, width, height) })),
      zones: [...extras.zones],
      stationary: track.stationary,
      faces: extras.faces,
    };
  }
}

function union(boxes: readonly Rect[]): Rect {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

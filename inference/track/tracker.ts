/**
 * An IoU tracker: detections of one label are matched to the live tracks of that label by box overlap
 * (greedy, best first), so one person walking across the picture is one track with a path. A track is
 * confirmed after `confirmHits` hits and ends after `endMisses` misses — a miss is counted only when the
 * detector actually looked where the track is (motion gating leaves still areas unanalysed), so a parked car
 * stays one track, marked stationary, instead of a new one every time something moves near it.
 */
import { iou, type Detection } from '../detect/boxes.js';
import type { Rect } from '../image/rgb.js';

export interface TrackerOptions {
  confirmHits: number;
  endMisses: number;
  /** Minimum overlap for a detection to continue a track. */
  matchIou: number;
  /** A confirmed track that stays within this overlap of where it was … */
  stationaryIou: number;
  /** … for this long is stationary. */
  stationaryMs: number;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  confirmHits: 2,
  endMisses: 5,
  matchIou: 0.3,
  stationaryIou: 0.85,
  stationaryMs: 10_000,
};

export interface PathPoint {
  at: number;
  box: Rect;
}

export interface Track {
  id: number;
  label: string;
  box: Rect;
  score: number;
  topScore: number;
  /** When the best-scoring detection was seen (the event's snapshot comes from that frame). */
  topScoreAt: number;
  hits: number;
  misses: number;
  confirmed: boolean;
  stationary: boolean;
  startedAt: number;
  lastSeenAt: number;
  /** Boxes over time, thinned to a point per 0.5 s or per noticeable move. */
  path: PathPoint[];
  /** Where and since when the track has held still. */
  anchor: { box: Rect; since: number };
}

export interface TrackerUpdate {
  /** Just confirmed: an event starts. */
  started: Track[];
  /** Confirmed and seen in this frame. */
  updated: Track[];
  /** Confirmed and now gone: the event ends. */
  ended: Track[];
}

const MAX_PATH = 200;

/** Share of `inner` inside `outer`. */
function coverage(inner: Rect, outer: Rect): number {
  const w = Math.max(0, Math.min(inner.x + inner.width, outer.x + outer.width) - Math.max(inner.x, outer.x));
  const h = Math.max(
    0,
    Math.min(inner.y + inner.height, outer.y + outer.height) - Math.max(inner.y, outer.y),
  );
  const area = inner.width * inner.height;
  return area > 0 ? (w * h) / area : 0;
}

export class Tracker {
  private readonly options: TrackerOptions;
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER, ...options };
  }

  get live(): readonly Track[] {
    return this.tracks;
  }

  /** One analysed frame: what the detector found, and the areas it looked at. */
  update(detections: readonly Detection[], looked: readonly Rect[], now: number): TrackerUpdate {
    const result: TrackerUpdate = { started: [], updated: [], ended: [] };
    const pairs: { track: Track; detection: Detection; overlap: number }[] = [];
    for (const track of this.tracks) {
      for (const detection of detections) {
        if (detection.label !== track.label) continue;
        const overlap = iou(track.box, detection.box);
        if (overlap >= this.options.matchIou) pairs.push({ track, detection, overlap });
      }
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const matchedTracks = new Set<Track>();
    const matchedDetections = new Set<Detection>();
    for (const { track, detection } of pairs) {
      if (matchedTracks.has(track) || matchedDetections.has(detection)) continue;
      matchedTracks.add(track);
      matchedDetections.add(detection);
      this.hit(track, detection, now);
      if (track.confirmed)
        (track.hits === this.options.confirmHits ? result.started : result.updated).push(track);
    }
    for (const track of this.tracks) {
      if (matchedTracks.has(track)) continue;
      if (!looked.some((area) => coverage(track.box, area) >= 0.5)) continue;
      track.misses++;
    }
    for (const detection of detections) {
      if (matchedDetections.has(detection)) continue;
      const track = this.open(detection, now);
      if (track.confirmed) result.started.push(track);
    }
    const alive: Track[] = [];
    for (const track of this.tracks) {
      const gone = track.misses >= (track.confirmed ? this.options.endMisses : 1);
      if (!gone) alive.push(track);
      else if (track.confirmed) result.ended.push(track);
    }
    this.tracks = alive;
    return result;
  }

  /** Ends every confirmed track (the camera stopped, detection was switched off). */
  flush(): Track[] {
    const ended = this.tracks.filter((t) => t.confirmed);
    this.tracks = [];
    return ended;
  }

  private open(detection: Detection, now: number): Track {
    const track: Track = {
      id: this.nextId++,
      label: detection.label,
      box: detection.box,
      score: detection.score,
      topScore: detection.score,
      topScoreAt: now,
      hits: 1,
      misses: 0,
      confirmed: this.options.confirmHits <= 1,
      stationary: false,
      startedAt: now,
      lastSeenAt: now,
      path: [{ at: now, box: detection.box }],
      anchor: { box: detection.box, since: now },
    };
    this.tracks.push(track);
    return track;
  }

  private hit(track: Track, detection: Detection, now: number): void {
    track.hits++;
    track.misses = 0;
    track.box = detection.box;
    track.score = detection.score;
    track.lastSeenAt = now;
    if (detection.score > track.topScore) {
      track.topScore = detection.score;
      track.topScoreAt = now;
    }
    if (track.hits >= this.options.confirmHits) track.confirmed = true;
    if (iou(track.anchor.box, detection.box) < this.options.stationaryIou)
      track.anchor = { box: detection.box, since: now };
    track.stationary = now - track.anchor.since >= this.options.stationaryMs;
    const last = track.path.at(-1)!;
    const moved = 1 - iou(last.box, detection.box) > 0.2;
    if ((moved || now - last.at >= 500) && !track.stationary) {
      track.path.push({ at: now, box: detection.box });
      if (track.path.length > MAX_PATH) track.path.splice(1, 1);
    }
  }
}

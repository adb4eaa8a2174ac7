// The Events page's pure logic: reading the live pushes (topics `events` and `detections`), deciding whether a
// pushed event belongs in the filtered list, keeping the list newest first without duplicates, and turning the
// server's hourly counts into a bar per hour.
import type { EventFilter, NormalBox, VigilEvent } from '../api/events-api';

export type EventPhase = 'start' | 'update' | 'end';

export interface EventPush {
  phase: EventPhase;
  event: VigilEvent;
  /** false while the vault is locked: the event is live only. */
  stored: boolean;
}

export interface DetectedObject {
  trackId: number;
  label: string;
  score: number;
  box: NormalBox;
}

export interface DetectionsPush {
  cameraId: number;
  capturedAt: number;
  motion: boolean;
  objects: DetectedObject[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function isBox(value: unknown): value is NormalBox {
  return (
    isRecord(value) &&
    isNumber(value['x']) &&
    isNumber(value['y']) &&
    isNumber(value['width']) &&
    isNumber(value['height'])
  );
}

/** A push on topic `events`, or null for anything else (another topic, a malformed body). */
export function parseEventPush(topic: string, data: unknown): EventPush | null {
  if (topic !== 'events' || !isRecord(data)) return null;
  const { phase, event, stored } = data;
  if (phase !== 'start' && phase !== 'update' && phase !== 'end') return null;
  if (!isRecord(event) || typeof stored !== 'boolean') return null;
  if (!isNumber(event['cameraId']) || !isNumber(event['startedAt']) || typeof event['label'] !== 'string')
    return null;
  if (!isBox(event['box'])) return null;
  // The rest of the shape is the server's schema; the fields the page reads were checked above.
  return { phase, event: event as unknown as VigilEvent, stored };
}

/** A push on topic `detections` (the live overlay), or null. */
export function parseDetectionsPush(topic: string, data: unknown): DetectionsPush | null {
  if (topic !== 'detections' || !isRecord(data)) return null;
  const { cameraId, capturedAt, motion, objects } = data;
  if (!isNumber(cameraId) || !isNumber(capturedAt) || typeof motion !== 'boolean' || !Array.isArray(objects))
    return null;
  const valid = objects.filter(
    (o): o is DetectedObject =>
      isRecord(o) &&
      isNumber(o['trackId']) &&
      typeof o['label'] === 'string' &&
      isNumber(o['score']) &&
      isBox(o['box']),
  );
  return { cameraId, capturedAt, motion, objects: valid };
}

/** Whether a live event belongs in a list filtered by `filter` (the server applies the same rules). */
export function matchesFilter(event: VigilEvent, filter: EventFilter): boolean {
  if (filter.camera !== undefined && event.cameraId !== filter.camera) return false;
  if (filter.label !== undefined && event.label !== filter.label) return false;
  if (filter.zone !== undefined && !event.zones.includes(filter.zone)) return false;
  if (filter.face !== undefined && !event.faces.some((f) => f.faceId === filter.face)) return false;
  if (filter.from !== undefined && event.startedAt < filter.from) return false;
  if (filter.to !== undefined && event.startedAt >= filter.to) return false;
  return true;
}

/** One identity per event: its id once stored; camera, label and start for one seen while locked. */
export function eventKey(event: Pick<VigilEvent, 'id' | 'cameraId' | 'label' | 'startedAt'>): string {
  return event.id === null ? `live:${event.cameraId}:${event.label}:${event.startedAt}` : `id:${event.id}`;
}

const newestFirst = (a: VigilEvent, b: VigilEvent) =>
  b.startedAt - a.startedAt || (b.id ?? Number.MAX_SAFE_INTEGER) - (a.id ?? Number.MAX_SAFE_INTEGER);

/** `list` with `event` put in (replacing the same event), newest first. A new array; `list` is untouched. */
export function upsertEvent(list: readonly VigilEvent[], event: VigilEvent): VigilEvent[] {
  const key = eventKey(event);
  const next = list.filter((e) => eventKey(e) !== key);
  next.push(event);
  return next.sort(newestFirst);
}

/** `older` appended to `list`, skipping events already there (a live push may have brought them). */
export function appendPage(list: readonly VigilEvent[], older: readonly VigilEvent[]): VigilEvent[] {
  const seen = new Set(list.map(eventKey));
  return [...list, ...older.filter((e) => !seen.has(eventKey(e)))];
}

export interface HourBar {
  /** Start of the hour, epoch ms. */
  at: number;
  total: number;
  byLabel: Record<string, number>;
}

/**
 * One bar per bucket from `from` up to the bucket holding `now`, empty hours included, from the server's
 * per-(bucket, label) counts.
 */
export function hourBars(
  stats: {
    from: number;
    bucketMs: number;
    buckets: readonly { bucket: number; label: string; count: number }[];
  },
  now: number,
): HourBar[] {
  const bars: HourBar[] = [];
  const index = new Map<number, HourBar>();
  for (let at = stats.from; at <= now; at += stats.bucketMs) {
    const bar = { at, total: 0, byLabel: {} };
    bars.push(bar);
    index.set(at, bar);
  }
  for (const { bucket, label, count } of stats.buckets) {
    const bar = index.get(bucket);
    if (!bar) continue;
    bar.total += count;
    bar.byLabel[label] = (bar.byLabel[label] ?? 0) + count;
  }
  return bars;
}

/** An event's length for people: "4 s", "2 min 5 s", or "ongoing". */
export function eventDuration(event: Pick<VigilEvent, 'startedAt' | 'endedAt'>): string {
  if (event.endedAt === null) return 'ongoing';
  const seconds = Math.max(0, Math.round((event.endedAt - event.startedAt) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

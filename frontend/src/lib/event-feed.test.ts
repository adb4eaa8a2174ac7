import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../api/events-api';
import {
  appendPage,
  eventDuration,
  hourBars,
  matchesFilter,
  parseDetectionsPush,
  parseEventPush,
  upsertEvent,
} from './event-feed';

const box = { x: 0.1, y: 0.2, width: 0.3, height: 0.4 };
const event = (over: Partial<VigilEvent> = {}): VigilEvent => ({
  id: 1,
  cameraId: 3,
  label: 'person',
  startedAt: 1_000,
  endedAt: null,
  topScore: 0.8,
  box,
  path: [],
  zones: ['drive'],
  faces: [{ faceId: 7, name: 'Ann', similarity: 0.9, box }],
  stationary: false,
  hasSnapshot: true,
  snapshotBox: box,
  protected: false,
  ...over,
});

describe('live pushes', () => {
  it('reads an events push and refuses other topics and broken bodies', () => {
    expect(parseEventPush('events', { phase: 'start', event: event(), stored: true })).toMatchObject({
      phase: 'start',
      stored: true,
      event: { id: 1, label: 'person' },
    });
    expect(parseEventPush('vault', { phase: 'start', event: event(), stored: true })).toBeNull();
    expect(parseEventPush('events', { phase: 'begin', event: event(), stored: true })).toBeNull();
    expect(
      parseEventPush('events', { phase: 'end', event: { ...event(), box: null }, stored: true }),
    ).toBeNull();
    expect(parseEventPush('events', { phase: 'end', event: event() })).toBeNull();
  });

  it('reads detections and drops malformed objects', () => {
    const push = parseDetectionsPush('detections', {
      cameraId: 2,
      capturedAt: 5,
      motion: true,
      objects: [
        { trackId: 1, label: 'car', score: 0.7, box },
        { trackId: 2, label: 'car' },
      ],
    });
    expect(push?.objects).toHaveLength(1);
    expect(
      parseDetectionsPush('events', { cameraId: 2, capturedAt: 5, motion: true, objects: [] }),
    ).toBeNull();
    expect(
      parseDetectionsPush('detections', { cameraId: 'x', capturedAt: 5, motion: true, objects: [] }),
    ).toBeNull();
  });
});

describe('the filtered list', () => {
  it('matches every filter the server knows', () => {
    expect(matchesFilter(event(), {})).toBe(true);
    expect(matchesFilter(event(), { camera: 3, label: 'person', zone: 'drive', face: 7 })).toBe(true);
    expect(matchesFilter(event(), { camera: 4 })).toBe(false);
    expect(matchesFilter(event(), { label: 'car' })).toBe(false);
    expect(matchesFilter(event(), { zone: 'gate' })).toBe(false);
    expect(matchesFilter(event(), { face: 8 })).toBe(false);
    expect(matchesFilter(event(), { from: 1_001 })).toBe(false);
    expect(matchesFilter(event(), { to: 1_000 })).toBe(false);
    expect(matchesFilter(event(), { from: 1_000, to: 1_001 })).toBe(true);
  });

  it('replaces an event by id, keeps unstored ones apart, and stays newest first', () => {
    let list = upsertEvent([], event({ id: 1, startedAt: 1_000 }));
    list = upsertEvent(list, event({ id: 2, startedAt: 3_000 }));
    list = upsertEvent(list, event({ id: 1, startedAt: 1_000, endedAt: 2_000 }));
    expect(list.map((e) => e.id)).toEqual([2, 1]);
    expect(list[1]?.endedAt).toBe(2_000);
    list = upsertEvent(list, event({ id: null, startedAt: 2_000 }));
    list = upsertEvent(list, event({ id: null, startedAt: 2_000, endedAt: 2_500 }));
    expect(list.map((e) => e.id)).toEqual([2, null, 1]);
  });

  it('appends an older page without the events a push already brought', () => {
    const list = [event({ id: 5, startedAt: 5 }), event({ id: 4, startedAt: 4 })];
    expect(
      appendPage(list, [event({ id: 4, startedAt: 4 }), event({ id: 3, startedAt: 3 })]).map((e) => e.id),
    ).toEqual([5, 4, 3]);
  });
});

describe('the chart and the card', () => {
  it('has a bar for every hour, empty ones included, summing the labels', () => {
    const hour = 3_600_000;
    const bars = hourBars(
      {
        from: 0,
        bucketMs: hour,
        buckets: [
          { bucket: 0, label: 'person', count: 2 },
          { bucket: 0, label: 'car', count: 1 },
          { bucket: 2 * hour, label: 'person', count: 4 },
          { bucket: 9 * hour, label: 'person', count: 4 },
        ],
      },
      2 * hour + 5,
    );
    expect(bars.map((b) => b.total)).toEqual([3, 0, 4]);
    expect(bars[0]?.byLabel).toEqual({ person: 2, car: 1 });
  });

  it('says how long an event lasted', () => {
    expect(eventDuration({ startedAt: 0, endedAt: null })).toBe('ongoing');
    expect(eventDuration({ startedAt: 0, endedAt: 4_200 })).toBe('4 s');
    expect(eventDuration({ startedAt: 0, endedAt: 120_000 })).toBe('2 min');
    expect(eventDuration({ startedAt: 0, endedAt: 125_000 })).toBe('2 min 5 s');
  });
});

import { describe, expect, it } from 'vitest';
import type { Detection } from '../detect/boxes.js';
import { Tracker } from './tracker.js';

const WHOLE = [{ x: 0, y: 0, width: 640, height: 360 }];
const person = (x: number, score = 0.8): Detection => ({
  label: 'person',
  score,
  box: { x, y: 100, width: 60, height: 150 },
});

describe('Tracker', () => {
  it('follows one person walking across as one track with a path, confirmed after 2 hits, ended after 5 misses', () => {
    const tracker = new Tracker();
    const started: number[] = [];
    const ended: number[] = [];
    let t = 0;
    for (let step = 0; step < 20; step++, t += 200) {
      const update = tracker.update([person(50 + step * 15, 0.6 + step * 0.01)], WHOLE, t);
      started.push(...update.started.map((track) => track.id));
      expect(update.ended).toEqual([]);
    }
    expect(started).toEqual([1]);
    for (let miss = 0; miss < 5; miss++, t += 200)
      ended.push(...tracker.update([], WHOLE, t).ended.map((track) => track.id));
    expect(ended).toEqual([1]);
    const track = tracker.update([], WHOLE, t);
    expect(track.ended).toEqual([]);
  });

  it('keeps the top score, the time it was seen and a thinned path', () => {
    const tracker = new Tracker();
    const updates = Array.from({ length: 10 }, (_, step) =>
      tracker.update([person(50 + step * 20, step === 4 ? 0.95 : 0.7)], WHOLE, step * 200),
    );
    const track = updates.at(-1)!.updated[0]!;
    expect(track.topScore).toBe(0.95);
    expect(track.topScoreAt).toBe(800);
    expect(track.path.length).toBeGreaterThan(3);
    expect(track.path.length).toBeLessThanOrEqual(10);
  });

  it('does not confirm a one-frame flicker', () => {
    const tracker = new Tracker();
    expect(tracker.update([person(100)], WHOLE, 0).started).toEqual([]);
    const next = tracker.update([], WHOLE, 200);
    expect(next.started).toEqual([]);
    expect(next.ended).toEqual([]);
    expect(tracker.live).toEqual([]);
  });

  it('keeps two people apart, and labels apart', () => {
    const tracker = new Tracker();
    const car: Detection = { label: 'car', score: 0.9, box: { x: 400, y: 100, width: 200, height: 120 } };
    let started = 0;
    for (let step = 0; step < 5; step++)
      started += tracker.update([person(50 + step * 10), person(250 - step * 10), car], WHOLE, step * 200)
        .started.length;
    expect(started).toBe(3);
    expect(new Set(tracker.live.map((t) => t.id)).size).toBe(3);
  });

  it('leaves a parked car one stationary track while the detector looks elsewhere', () => {
    const tracker = new Tracker({ stationaryMs: 2_000 });
    const car: Detection = { label: 'car', score: 0.9, box: { x: 400, y: 100, width: 200, height: 120 } };
    let started = 0;
    let t = 0;
    for (; t < 3_000; t += 200) started += tracker.update([car], WHOLE, t).started.length;
    expect(tracker.live[0]!.stationary).toBe(true);
    // Motion on the left only: the detector looks at the left half and finds nothing; the car is not missed.
    const left = [{ x: 0, y: 0, width: 300, height: 360 }];
    for (; t < 60_000; t += 200) expect(tracker.update([], left, t).ended).toEqual([]);
    // Seen again later: still the same track, no new event.
    started += tracker.update([car], WHOLE, t).started.length;
    expect(started).toBe(1);
    expect(tracker.live).toHaveLength(1);
  });
});

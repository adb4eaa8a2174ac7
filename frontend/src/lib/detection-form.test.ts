import { describe, expect, it } from 'vitest';
import type { CameraDetection, DetectionSettings } from '../api/detection-api';
import {
  detectionProblems,
  draftFromDetection,
  requestFromDraft,
  restartsCamera,
  settingsFromDraft,
  toggleLabel,
  withCurrent,
} from './detection-form';

const triangle = [
  { x: 0.1, y: 0.1 },
  { x: 0.9, y: 0.1 },
  { x: 0.5, y: 0.9 },
];

const settings = (): DetectionSettings => ({
  mode: 'objects',
  labels: ['person', 'car'],
  minScore: { person: 0.7 },
  defaultScore: 0.5,
  motion: { sensitivity: 70, minArea: 0.0005, masks: [triangle] },
  zones: [{ name: 'Gate', polygon: triangle }],
  faces: true,
  frames: { fps: 5, idleFps: 2, maxWidth: 640 },
});

const detection = (): CameraDetection => ({
  cameraId: 4,
  detect: true,
  custom: true,
  settings: settings(),
  defaults: settings(),
  knownLabels: ['person', 'bicycle', 'car', 'dog'],
});

describe('detection form', () => {
  it('round-trips the settings it was opened with', () => {
    const draft = draftFromDetection(detection());
    expect(draft.minAreaPercent).toBe('0.05');
    expect(draft.ownScores).toEqual({ person: '0.7' });
    expect(requestFromDraft(draft)).toEqual({ detect: true, settings: settings() });
  });

  it('does not share corners with the settings it came from', () => {
    const source = detection();
    const draft = draftFromDetection(source);
    draft.zones[0]!.polygon[0]!.x = 0.3;
    expect(source.settings.zones[0]!.polygon[0]!.x).toBe(0.1);
  });

  it('keeps labels in the detector’s order and drops the threshold of an unticked label', () => {
    const draft = draftFromDetection(detection());
    const order = detection().knownLabels;
    toggleLabel(draft, 'bicycle', true, order);
    expect(draft.labels).toEqual(['person', 'bicycle', 'car']);
    toggleLabel(draft, 'person', false, order);
    expect(draft.labels).toEqual(['bicycle', 'car']);
    expect(settingsFromDraft(draft).minScore).toEqual({});
  });

  it('reads typed numbers: thresholds, blank for the default, and the smallest motion in percent', () => {
    const draft = draftFromDetection(detection());
    draft.ownScores = { person: ' ', car: '0.35' };
    draft.minAreaPercent = '1.5';
    const built = settingsFromDraft(draft);
    expect(built.minScore).toEqual({ car: 0.35 });
    expect(built.motion.minArea).toBe(0.015);
  });

  it('says what is wrong, field by field, and nothing when all is well', () => {
    const draft = draftFromDetection(detection());
    expect(Object.values(detectionProblems(draft)).every((p) => p === null)).toBe(true);
    draft.labels = [];
    draft.ownScores = {};
    expect(detectionProblems(draft).labels).toMatch(/at least one/);
    draft.mode = 'motion';
    expect(detectionProblems(draft).labels).toBeNull();
    draft.ownScores = { car: '1.5' };
    expect(detectionProblems(draft).scores).toBe('The minimum score for car must be 0.1 to 0.99.');
    draft.minAreaPercent = '60';
    expect(detectionProblems(draft).minArea).toMatch(/0.01 to 50/);
    draft.fps = 1;
    expect(detectionProblems(draft).idleFps).toMatch(/must not be above/);
    draft.zones = [
      { name: 'Gate', polygon: triangle },
      { name: ' gate ', polygon: triangle },
    ];
    expect(detectionProblems(draft).zones).toMatch(/Two zones are called “gate”/);
    draft.zones = [{ name: '  ', polygon: triangle }];
    expect(detectionProblems(draft).zones).toBe('Zone 1 needs a name.');
  });

  it('trims zone names as the server stores them', () => {
    const draft = draftFromDetection(detection());
    draft.zones[0]!.name = '  Gate ';
    expect(settingsFromDraft(draft).zones[0]!.name).toBe('Gate');
  });

  it('warns when saving restarts the camera: detection switched, or a new rate or size', () => {
    const saved = detection();
    const draft = draftFromDetection(saved);
    expect(restartsCamera(draft, saved)).toBe(false);
    draft.zones = [];
    draft.sensitivity = 20;
    expect(restartsCamera(draft, saved)).toBe(false);
    draft.maxWidth = 320;
    expect(restartsCamera(draft, saved)).toBe(true);
    const off = draftFromDetection(saved);
    off.detect = false;
    expect(restartsCamera(off, saved)).toBe(true);
  });

  it('offers a value set through the API among the choices', () => {
    expect(withCurrent([1, 2, 5], 2)).toEqual([1, 2, 5]);
    expect(withCurrent([1, 2, 5], 3)).toEqual([1, 2, 3, 5]);
  });
});

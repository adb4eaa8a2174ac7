import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { defaultDetectionSettings } from './analysis-defaults.js';
import type { DetectionSettings } from './detection-settings.schemas.js';
import {
  checkDetectionSettings,
  polygonArea,
  readDetectionSettings,
  toAnalysisSettings,
  toCameraAnalysis,
} from './detection-settings.js';

const makeTriangle = () => [
  { x: 0.1, y: 0.1 },
  { x: 0.9, y: 0.1 },
  { x: 0.5, y: 0.8 },
];
const triangle = makeTriangle();

const settings = (): DetectionSettings => ({
  mode: 'motion',
  labels: ['cat'],
  minScore: { cat: 0.3 },
  defaultScore: 0.6,
  motion: { sensitivity: 40, minArea: 0.002, masks: [makeTriangle()] },
  zones: [{ name: 'Garden', polygon: makeTriangle() }],
  faces: false,
  frames: { fps: 8, idleFps: 0.5, maxWidth: 320 },
});

describe('detection settings → what the workers get', () => {
  it('gives the inference worker every analysis setting, and none of the frame ones', () => {
    expect(toCameraAnalysis(7, settings())).toEqual({
      cameraId: 7,
      mode: 'motion',
      labels: ['cat'],
      minScore: { cat: 0.3 },
      defaultScore: 0.6,
      motion: { sensitivity: 40, minArea: 0.002, masks: [triangle] },
      zones: [{ name: 'Garden', polygon: triangle }],
      faces: false,
    });
  });

  it('gives the camera worker the frame rate and size on the inference socket', () => {
    expect(toAnalysisSettings('/run/vigil/inference.sock', settings())).toEqual({
      socket: '/run/vigil/inference.sock',
      maxWidth: 320,
      fps: 8,
      idleFps: 0.5,
    });
  });

  it('maps the defaults to what cameras ran with before they had settings of their own', () => {
    const defaults = defaultDetectionSettings();
    expect(toCameraAnalysis(3, defaults)).toEqual({
      cameraId: 3,
      mode: 'objects',
      labels: ['person', 'car', 'truck', 'bus', 'bicycle', 'motorcycle', 'dog', 'cat', 'bird'],
      minScore: {},
      defaultScore: 0.5,
      motion: { sensitivity: 70, minArea: 0.0005, masks: [] },
      zones: [],
      faces: true,
    });
    expect(toAnalysisSettings('s', defaults)).toEqual({ socket: 's', maxWidth: 640, fps: 5, idleFps: 2 });
  });

  it('copies, so a later change to the settings object cannot reach a running analysis', () => {
    const source = settings();
    const analysis = toCameraAnalysis(1, source);
    source.labels.push('dog');
    source.zones[0]!.polygon[0]!.x = 0.7;
    expect(analysis.labels).toEqual(['cat']);
    expect(analysis.zones[0]!.polygon[0]!.x).toBe(0.1);
  });
});

describe('stored settings', () => {
  it('reads null as the defaults, and stored JSON as itself', () => {
    expect(readDetectionSettings(null)).toEqual(defaultDetectionSettings());
    expect(readDetectionSettings(JSON.stringify(settings()))).toEqual(settings());
  });

  it('falls back to the defaults for a value that no longer reads', () => {
    for (const stored of ['{', '"x"', JSON.stringify({ ...settings(), frames: { fps: 99 } })]) {
      expect(readDetectionSettings(stored), stored).toEqual(defaultDetectionSettings());
    }
  });

  it('keeps a label the running detector does not know (it never matches), checked only on saving', () => {
    const withDragon = { ...settings(), labels: ['cat', 'dragon'] };
    expect(readDetectionSettings(JSON.stringify(withDragon))).toEqual(withDragon);
  });
});

describe('checks beyond the schema', () => {
  const codeOf = (s: DetectionSettings) => {
    try {
      checkDetectionSettings(s);
      return null;
    } catch (error) {
      return error instanceof AppError ? `${error.statusCode} ${error.code}` : 'not an AppError';
    }
  };

  it('accepts good settings and trims zone names', () => {
    const s = settings();
    s.zones[0]!.name = ' Garden ';
    expect(checkDetectionSettings(s).zones[0]!.name).toBe('Garden');
  });

  it('checks labels against the running detector’s own list when given one', () => {
    const s = { ...settings(), labels: ['parcel'], minScore: { parcel: 0.4 } };
    expect(codeOf(s)).toBe('400 UNKNOWN_LABEL');
    expect(checkDetectionSettings(s, ['parcel', 'van']).labels).toEqual(['parcel']);
  });

  it('lets a motion-only camera track no labels, but not an objects one', () => {
    expect(codeOf({ ...settings(), labels: [], minScore: {} })).toBeNull();
    expect(codeOf({ ...settings(), mode: 'objects', labels: [], minScore: {} })).toBe('400 NO_LABELS');
  });

  it('allows the idle rate to equal the rate, not to exceed it', () => {
    expect(codeOf({ ...settings(), frames: { fps: 2, idleFps: 2, maxWidth: 640 } })).toBeNull();
    expect(codeOf({ ...settings(), frames: { fps: 2, idleFps: 2.5, maxWidth: 640 } })).toBe(
      '400 IDLE_FPS_ABOVE_FPS',
    );
  });

  it('measures polygon areas in shares of the picture', () => {
    expect(polygonArea(triangle)).toBeCloseTo(0.28, 6);
    expect(polygonArea([...triangle].reverse())).toBeCloseTo(0.28, 6);
    const sliver = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 1, y: 0.00005 },
    ];
    expect(codeOf({ ...settings(), motion: { ...settings().motion, masks: [sliver] } })).toBe(
      '400 INVALID_POLYGON',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  cornerKeyEdit,
  canClose,
  centroid,
  clampPoint,
  contains,
  hitEdge,
  hitPolygon,
  hitVertex,
  insertPoint,
  MAX_POINTS,
  movePoint,
  nextZoneName,
  normalise,
  nudge,
  pointsAttribute,
  polygonArea,
  removePoint,
} from './zone-geometry';

const square = [
  { x: 0.2, y: 0.2 },
  { x: 0.6, y: 0.2 },
  { x: 0.6, y: 0.6 },
  { x: 0.2, y: 0.6 },
];
// A wide picture: one normalised unit across is 800 px, one down only 450 px.
const size = { width: 800, height: 450 };

describe('normalising pointer positions', () => {
  const box = { left: 100, top: 50, width: 800, height: 450 };

  it('maps the drawing to 0–1 from its top left corner', () => {
    expect(normalise(100, 50, box)).toEqual({ x: 0, y: 0 });
    expect(normalise(500, 275, box)).toEqual({ x: 0.5, y: 0.5 });
    expect(normalise(900, 500, box)).toEqual({ x: 1, y: 1 });
  });

  it('keeps points dragged past the edge on the edge, and rounds to four decimals', () => {
    expect(normalise(40, 900, box)).toEqual({ x: 0, y: 1 });
    expect(normalise(100 + 800 / 3, 50, box)).toEqual({ x: 0.3333, y: 0 });
    expect(clampPoint({ x: -0.2, y: 1.7 })).toEqual({ x: 0, y: 1 });
  });

  it('survives a drawing with no size yet (an image still loading)', () => {
    expect(normalise(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0, y: 0 });
  });

  it('draws in pixels of the picture', () => {
    expect(pointsAttribute(square.slice(0, 2), size)).toBe('160.0,90.0 480.0,90.0');
  });
});

describe('hit testing in pixels', () => {
  it('finds the nearest corner within the radius, and none outside it', () => {
    expect(hitVertex(square, { x: 0.605, y: 0.61 }, size, 10)).toBe(2);
    // 0.02 across is 16 px on this picture: outside a 10 px radius…
    expect(hitVertex(square, { x: 0.62, y: 0.2 }, size, 10)).toBeNull();
    // …while 0.02 down is 9 px: inside it.
    expect(hitVertex(square, { x: 0.6, y: 0.22 }, size, 10)).toBe(1);
  });

  it('picks the closer of two corners both within reach', () => {
    const close = [
      { x: 0.5, y: 0.5 },
      { x: 0.51, y: 0.5 },
      { x: 0.5, y: 0.6 },
    ];
    expect(hitVertex(close, { x: 0.508, y: 0.5 }, size, 10)).toBe(1);
  });

  it('finds an edge and the spot on it, including the closing edge', () => {
    expect(hitEdge(square, { x: 0.4, y: 0.21 }, size, 8)).toEqual({ index: 0, point: { x: 0.4, y: 0.2 } });
    expect(hitEdge(square, { x: 0.205, y: 0.4 }, size, 8)).toEqual({ index: 3, point: { x: 0.2, y: 0.4 } });
    // Corners being drawn are not closed yet: no closing edge.
    expect(hitEdge(square, { x: 0.205, y: 0.4 }, size, 8, false)).toBeNull();
    expect(hitEdge(square, { x: 0.4, y: 0.4 }, size, 8)).toBeNull();
  });

  it('stops at a segment’s ends', () => {
    const hit = hitEdge(square, { x: 0.1, y: 0.2 }, size, 100);
    expect(hit?.point).toEqual({ x: 0.2, y: 0.2 });
  });

  it('tells inside from outside as the inference worker does (even-odd)', () => {
    expect(contains(square, { x: 0.4, y: 0.4 })).toBe(true);
    expect(contains(square, { x: 0.7, y: 0.4 })).toBe(false);
    const inner = square.map((p) => ({ x: p.x + 0.1, y: p.y + 0.1 }));
    expect(hitPolygon([square, inner], { x: 0.45, y: 0.45 })).toBe(1);
    expect(hitPolygon([square, inner], { x: 0.25, y: 0.25 })).toBe(0);
    expect(hitPolygon([square, inner], { x: 0.9, y: 0.9 })).toBeNull();
  });
});

describe('editing corners', () => {
  it('inserts a corner after the given one, leaving the original alone', () => {
    const next = insertPoint(square, 0, { x: 0.4, y: 0.2 });
    expect(next).toHaveLength(5);
    expect(next[1]).toEqual({ x: 0.4, y: 0.2 });
    expect(next[2]).toEqual(square[1]);
    expect(square).toHaveLength(4);
    expect(insertPoint(square, 3, { x: 0.2, y: 0.4 })[4]).toEqual({ x: 0.2, y: 0.4 });
  });

  it('stops inserting at the server’s limit of corners', () => {
    const full = Array.from({ length: MAX_POINTS }, (_, i) => ({ x: i / MAX_POINTS, y: (i % 2) / 2 }));
    expect(insertPoint(full, 3, { x: 0.5, y: 0.5 })).toHaveLength(MAX_POINTS);
  });

  it('moves a corner, kept inside the picture', () => {
    expect(movePoint(square, 2, { x: 1.4, y: 0.7 })[2]).toEqual({ x: 1, y: 0.7 });
    expect(movePoint(square, 2, { x: 0.9, y: 0.9 })[1]).toBe(square[1]);
  });

  it('removes a corner, but never below a triangle', () => {
    expect(removePoint(square, 1)).toEqual([square[0], square[2], square[3]]);
    expect(removePoint(square.slice(0, 3), 1)).toHaveLength(3);
    // While drawing, any corner may go.
    expect(removePoint(square.slice(0, 1), 0, 0)).toEqual([]);
  });

  it('nudges a corner by keyboard steps, clamped', () => {
    expect(nudge({ x: 0.5, y: 0.5 }, 0.005, -0.005)).toEqual({ x: 0.505, y: 0.495 });
    expect(nudge({ x: 0.999, y: 0.001 }, 0.05, -0.05)).toEqual({ x: 1, y: 0 });
  });
});

describe('closing and naming', () => {
  it('measures areas as shares of the picture', () => {
    expect(polygonArea(square)).toBeCloseTo(0.16, 9);
    expect(polygonArea([...square].reverse())).toBeCloseTo(0.16, 9);
  });

  it('closes only polygons the server accepts', () => {
    expect(canClose(square)).toBe(true);
    expect(canClose(square.slice(0, 2))).toBe(false);
    const line = [
      { x: 0.1, y: 0.1 },
      { x: 0.5, y: 0.5 },
      { x: 0.9, y: 0.9 },
    ];
    expect(canClose(line)).toBe(false);
  });

  it('writes a name at the middle of its corners', () => {
    const middle = centroid(square);
    expect(middle.x).toBeCloseTo(0.4, 9);
    expect(middle.y).toBeCloseTo(0.4, 9);
  });

  it('offers the first free "Zone N", comparing as the server does', () => {
    expect(nextZoneName([])).toBe('Zone 1');
    expect(nextZoneName([' zone 1 ', 'Zone 3'])).toBe('Zone 2');
  });
});

describe('cornerKeyEdit', () => {
  const square = [
    { x: 0.2, y: 0.2 },
    { x: 0.6, y: 0.2 },
    { x: 0.6, y: 0.6 },
    { x: 0.2, y: 0.6 },
  ];

  it('moves a corner by a small step, or a big one with Shift, and stays in the picture', () => {
    expect(cornerKeyEdit(square, 0, 'ArrowRight', false)?.[0]?.x).toBeCloseTo(0.205);
    expect(cornerKeyEdit(square, 0, 'ArrowUp', true)?.[0]?.y).toBeCloseTo(0.15);
    const edge = [{ x: 0, y: 0 }, ...square.slice(1)];
    expect(cornerKeyEdit(edge, 0, 'ArrowLeft', true)?.[0]?.x).toBe(0);
  });

  it('removes a corner down to three, and adds one halfway to the next', () => {
    const three = cornerKeyEdit(square, 1, 'Delete', false);
    expect(three).toHaveLength(3);
    expect(cornerKeyEdit(three ?? [], 0, 'Backspace', false)).toHaveLength(3);
    const five = cornerKeyEdit(square, 0, '+', false);
    expect(five?.[1]).toEqual({ x: 0.4, y: 0.2 });
  });

  it('ignores other keys', () => {
    expect(cornerKeyEdit(square, 0, 'a', false)).toBeNull();
    expect(cornerKeyEdit(square, 9, 'ArrowLeft', false)).toBeNull();
  });
});

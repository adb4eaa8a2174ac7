// The zone and mask editor's geometry, free of the DOM: polygons live in normalised picture coordinates (0–1,
// origin top left, what the server stores and the inference worker tests against), while the pointer works in
// pixels of the picture as drawn. Hit testing therefore happens in pixels, so a 10 px grab radius is 10 px
// whatever the picture's shape.

/** A corner in normalised picture coordinates. */
export interface Point {
  x: number;
  y: number;
}
export type Polygon = readonly Point[];
/** The drawn picture's size in CSS pixels. */
export interface Size {
  width: number;
  height: number;
}
/** Where the drawing sits on the page (a DOMRect's fields). */
export interface Box extends Size {
  left: number;
  top: number;
}

/** The server's limits (server/detection/detection-settings.schemas.ts). */
export const MIN_POINTS = 3;
export const MAX_POINTS = 32;
/** Smaller polygons are refused by the server as enclosing no area (a share of the picture). */
export const MIN_AREA = 0.0001;
/** Four decimals: a 10 000 px wide picture's pixel, and short JSON. */
const PRECISION = 10_000;

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * PRECISION) / PRECISION;

/** A point within the picture, rounded to the stored precision. */
export function clampPoint(point: Point): Point {
  return { x: round(clamp01(point.x)), y: round(clamp01(point.y)) };
}

/** A pointer position (client pixels) → a point of the picture; outside the picture it sticks to the edge. */
export function normalise(clientX: number, clientY: number, box: Box): Point {
  if (box.width <= 0 || box.height <= 0) return { x: 0, y: 0 };
  return clampPoint({ x: (clientX - box.left) / box.width, y: (clientY - box.top) / box.height });
}

export function toPixels(point: Point, size: Size): { x: number; y: number } {
  return { x: point.x * size.width, y: point.y * size.height };
}

/** An SVG `points` attribute in pixels of the drawing. */
export function pointsAttribute(polygon: Polygon, size: Size): string {
  return polygon
    .map((p) => {
      const { x, y } = toPixels(p, size);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

function pixelDistance(a: Point, b: Point, size: Size): number {
  return Math.hypot((a.x - b.x) * size.width, (a.y - b.y) * size.height);
}

/** The corner nearest to `at` within `radius` pixels, or null. */
export function hitVertex(polygon: Polygon, at: Point, size: Size, radius: number): number | null {
  let best: number | null = null;
  let bestDistance = radius;
  polygon.forEach((p, index) => {
    const distance = pixelDistance(p, at, size);
    if (distance <= bestDistance) [best, bestDistance] = [index, distance];
  });
  return best;
}

/** The nearest point to `at` on the segment a–b, measured in pixels. */
function nearestOnSegment(a: Point, b: Point, at: Point, size: Size): Point {
  const dx = (b.x - a.x) * size.width;
  const dy = (b.y - a.y) * size.height;
  const length = dx * dx + dy * dy;
  if (length === 0) return a;
  const t = Math.min(
    1,
    Math.max(0, ((at.x - a.x) * size.width * dx + (at.y - a.y) * size.height * dy) / length),
  );
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * The edge nearest to `at` within `radius` pixels: `index` is its first corner (the edge runs to the next one,
 * the last edge back to the first when `closed`), `point` the spot on it, ready for insertPoint.
 */
export function hitEdge(
  polygon: Polygon,
  at: Point,
  size: Size,
  radius: number,
  closed = true,
): { index: number; point: Point } | null {
  let best: { index: number; point: Point } | null = null;
  let bestDistance = radius;
  const edges = closed ? polygon.length : polygon.length - 1;
  for (let index = 0; index < edges; index++) {
    const a = polygon[index];
    const b = polygon[(index + 1) % polygon.length];
    if (!a || !b) continue;
    const point = nearestOnSegment(a, b, at, size);
    const distance = pixelDistance(point, at, size);
    if (distance <= bestDistance) {
      best = { index, point: clampPoint(point) };
      bestDistance = distance;
    }
  }
  return best;
}

/** Even-odd point in polygon, as the inference worker decides it. */
export function contains(polygon: Polygon, point: Point): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (!a || !b) continue;
    if (a.y > point.y !== b.y > point.y && point.x < ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

/** The last (topmost drawn) polygon containing `point`, or null. */
export function hitPolygon(polygons: readonly Polygon[], point: Point): number | null {
  for (let index = polygons.length - 1; index >= 0; index--) {
    const polygon = polygons[index];
    if (polygon && contains(polygon, point)) return index;
  }
  return null;
}

/** A new corner after corner `after`; unchanged when the polygon already has MAX_POINTS. */
export function insertPoint(polygon: Polygon, after: number, point: Point): Point[] {
  if (polygon.length >= MAX_POINTS) return [...polygon];
  return [...polygon.slice(0, after + 1), clampPoint(point), ...polygon.slice(after + 1)];
}

/** Corner `index` moved to `point` (kept inside the picture). */
export function movePoint(polygon: Polygon, index: number, point: Point): Point[] {
  return polygon.map((p, i) => (i === index ? clampPoint(point) : p));
}

/** Corner `index` removed; unchanged when that would leave fewer than `min` corners. */
export function removePoint(polygon: Polygon, index: number, min = MIN_POINTS): Point[] {
  if (polygon.length <= min) return [...polygon];
  return polygon.filter((_, i) => i !== index);
}

/** A corner moved by (dx, dy) in normalised units (keyboard nudges), kept inside the picture. */
export function nudge(point: Point, dx: number, dy: number): Point {
  return clampPoint({ x: point.x + dx, y: point.y + dy });
}

/** Shoelace area, in shares of the picture. */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j];
    const b = polygon[i];
    if (a && b) twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

/** Whether corners being drawn make a polygon the server accepts. */
export function canClose(points: Polygon): boolean {
  return points.length >= MIN_POINTS && points.length <= MAX_POINTS && polygonArea(points) >= MIN_AREA;
}

/** The mean of the corners: where a zone's name is written. */
export function centroid(polygon: Polygon): Point {
  if (polygon.length === 0) return { x: 0.5, y: 0.5 };
  const sum = polygon.reduce((s, p) => ({ x: s.x + p.x, y: s.y + p.y }), { x: 0, y: 0 });
  return { x: sum.x / polygon.length, y: sum.y / polygon.length };
}

/** "Zone N" with the smallest N not taken (names compare as the server does: trimmed, any case). */
export function nextZoneName(taken: readonly string[]): string {
  const used = new Set(taken.map((name) => name.trim().toLowerCase()));
  for (let n = 1; ; n++) if (!used.has(`zone ${n}`)) return `Zone ${n}`;
}

/** Keyboard steps for a corner: a small one, and a big one with Shift (in normalised units). */
export const CORNER_STEP = 0.005;
export const CORNER_BIG_STEP = 0.05;

/**
 * What a key does to the focused corner `index` of `polygon`: arrows move it, Delete/Backspace removes it (a
 * shape keeps MIN_POINTS), + or Insert adds a corner halfway to the next one. Null for any other key.
 */
export function cornerKeyEdit(polygon: Polygon, index: number, key: string, shift: boolean): Point[] | null {
  const corner = polygon[index];
  if (!corner) return null;
  const step = shift ? CORNER_BIG_STEP : CORNER_STEP;
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const move = moves[key];
  if (move) return movePoint(polygon, index, nudge(corner, move[0], move[1]));
  if (key === 'Delete' || key === 'Backspace') return removePoint(polygon, index);
  if (key === '+' || key === 'Insert') {
    const next = polygon[(index + 1) % polygon.length] ?? corner;
    return insertPoint(polygon, index, { x: (corner.x + next.x) / 2, y: (corner.y + next.y) / 2 });
  }
  return null;
}

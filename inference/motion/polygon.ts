/** Zones and masks: polygons in normalised picture coordinates (0–1 on both axes, origin top left). */

export interface Point {
  x: number;
  y: number;
}
export type Polygon = readonly Point[];

/** Even-odd rule point-in-polygon. */
export function contains(polygon: Polygon, point: Point): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > point.y !== b.y > point.y && point.x < ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

/** A width × height bitmap, 1 where a pixel's centre lies inside any of the polygons. */
export function rasterise(polygons: readonly Polygon[], width: number, height: number): Uint8Array {
  const bitmap = new Uint8Array(width * height);
  for (const polygon of polygons) {
    if (polygon.length < 3) continue;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (contains(polygon, { x: (x + 0.5) / width, y: (y + 0.5) / height })) bitmap[y * width + x] = 1;
      }
    }
  }
  return bitmap;
}

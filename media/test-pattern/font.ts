/** A 5×7 bitmap font for the test camera's clock: digits, ':' and '.', one 5-bit row per entry (MSB left). */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
  '1': [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  '2': [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
  '3': [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
  '4': [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
  '5': [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
  '6': [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
  '7': [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
  '8': [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
  '9': [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
  ':': [0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000],
  '.': [0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal distance between glyph origins, in font pixels (one blank column). */
export const GLYPH_ADVANCE = 6;

/** Width and height in plane pixels of `length` glyphs at `scale`. */
export function textSize(length: number, scale: number): { width: number; height: number } {
  return { width: (length * GLYPH_ADVANCE - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/**
 * Draws `text` into an 8-bit plane (the Y plane of I420) with its top-left at (x, y), each font pixel a
 * scale×scale square of `value`. Unknown characters leave a gap; pixels outside the plane are clipped.
 */
export function drawText(
  plane: Uint8Array,
  stride: number,
  planeHeight: number,
  x: number,
  y: number,
  text: string,
  scale: number,
  value: number,
): void {
  for (let i = 0; i < text.length; i++) {
    const glyph = GLYPHS[text.charAt(i)];
    if (glyph === undefined) continue;
    const gx = x + i * GLYPH_ADVANCE * scale;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      const bits = glyph[row] ?? 0;
      if (bits === 0) continue;
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if ((bits & (1 << (GLYPH_WIDTH - 1 - col))) === 0) continue;
        const x0 = Math.max(0, gx + col * scale);
        const x1 = Math.min(stride, gx + (col + 1) * scale);
        for (let py = y + row * scale; py < y + (row + 1) * scale; py++) {
          if (py < 0 || py >= planeHeight || x1 <= x0) continue;
          plane.fill(value, py * stride + x0, py * stride + x1);
        }
      }
    }
  }
}

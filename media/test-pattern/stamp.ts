/**
 * The test camera's machine-readable clock: a band of STAMP_CELLS square black/white cells across the full
 * width of the top of the frame, encoding the wall-clock time in milliseconds. Layout (1 = white):
 *
 *   [1, 0, 44 bits of epoch ms (MSB first), 16 bits of CRC-16/CCITT over them, 0, 1]
 *
 * The reference cells at both ends give the black/white threshold, so the code survives H.264, JPEG, scaling
 * and a browser's colour conversion. Every size is a fraction of the frame width: the code reads back at any
 * scale that keeps the aspect ratio (at 1280 px a cell is 20×20 px; in a 640 px still, 10×10).
 * Dependency-free so the browser bench can import it as it is.
 */

export const STAMP_CELLS = 64;
const TIME_BITS = 44;
const CRC_BITS = 16;
const FIRST_TIME_CELL = 2;
const FIRST_CRC_CELL = FIRST_TIME_CELL + TIME_BITS;
/** Brightness difference (0–255) required between the white and black reference cells. */
const MIN_CONTRAST = 60;

/** Side of a cell in pixels (fractional) for a frame `width` wide; the band is one cell high. */
export function stampCellSize(width: number): number {
  return width / STAMP_CELLS;
}

/** Height in pixels of the stamp band (rounded up, so callers can draw below it). */
export function stampBandHeight(width: number): number {
  return Math.ceil(stampCellSize(width));
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over bytes. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

function timeBytes(ms: number): Uint8Array {
  const bytes = new Uint8Array(6);
  let rest = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

/** The cells (1 white, 0 black) encoding `ms` (an integer below 2^44, i.e. any date before the year 2527). */
export function stampCells(ms: number): Uint8Array {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** TIME_BITS) throw new RangeError(`cannot stamp ${ms}`);
  const cells = new Uint8Array(STAMP_CELLS);
  cells[0] = 1;
  cells[STAMP_CELLS - 1] = 1;
  for (let i = 0; i < TIME_BITS; i++) {
    cells[FIRST_TIME_CELL + i] = Math.floor(ms / 2 ** (TIME_BITS - 1 - i)) % 2;
  }
  const crc = crc16(timeBytes(ms));
  for (let i = 0; i < CRC_BITS; i++) cells[FIRST_CRC_CELL + i] = (crc >> (CRC_BITS - 1 - i)) & 1;
  return cells;
}

/**
 * Draws the stamp for `ms` into rows [0, stampBandHeight(width)) of an 8-bit plane (the Y plane of I420),
 * `white` and `black` being the plane's values (235 and 16 in video range).
 */
export function drawStamp(
  plane: Uint8Array,
  stride: number,
  width: number,
  ms: number,
  white = 235,
  black = 16,
): void {
  const cells = stampCells(ms);
  const cell = stampCellSize(width);
  const band = stampBandHeight(width);
  for (let i = 0; i < STAMP_CELLS; i++) {
    const x0 = Math.round(i * cell);
    const x1 = Math.round((i + 1) * cell);
    const v = cells[i] === 1 ? white : black;
    for (let y = 0; y < band; y++) plane.fill(v, y * stride + x0, y * stride + x1);
  }
}

/** Mean luma (BT.601 weights, 0–255) of the middle half of cell `i` in an RGBA image. */
function cellLuma(rgba: Uint8Array, width: number, i: number): number {
  const cell = stampCellSize(width);
  const cx = (i + 0.5) * cell;
  const cy = cell / 2;
  const r = Math.max(0, Math.floor(cell / 4));
  let sum = 0;
  let count = 0;
  for (let y = Math.floor(cy - r); y <= Math.floor(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.floor(cx + r); x++) {
      const o = (y * width + x) * 4;
      sum += 0.299 * (rgba[o] ?? 0) + 0.587 * (rgba[o + 1] ?? 0) + 0.114 * (rgba[o + 2] ?? 0);
      count++;
    }
  }
  return sum / count;
}

/**
 * Reads the stamp back from an RGBA image (a canvas's ImageData, or a decoded frame) `width`×`height` pixels.
 * Returns the epoch milliseconds, or null when there is no readable stamp (no contrast, or a CRC mismatch).
 */
export function decodeStamp(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): number | null {
  if (width < STAMP_CELLS || height < stampBandHeight(width) || rgba.length < width * height * 4) return null;
  const pixels =
    rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const luma = Array.from({ length: STAMP_CELLS }, (_, i) => cellLuma(pixels, width, i));
  const white = Math.min(luma[0] ?? 0, luma[STAMP_CELLS - 1] ?? 0);
  const black = Math.max(luma[1] ?? 255, luma[STAMP_CELLS - 2] ?? 255);
  if (white - black < MIN_CONTRAST) return null;
  const threshold = (white + black) / 2;
  const bit = (i: number): number => ((luma[i] ?? 0) > threshold ? 1 : 0);
  let ms = 0;
  for (let i = 0; i < TIME_BITS; i++) ms = ms * 2 + bit(FIRST_TIME_CELL + i);
  let crc = 0;
  for (let i = 0; i < CRC_BITS; i++) crc = (crc << 1) | bit(FIRST_CRC_CELL + i);
  return crc === crc16(timeBytes(ms)) ? ms : null;
}

/**
 * Joining kept MPEG-TS segments into one stream whose clock only moves forward, without touching a byte of the
 * pictures. Within one recording session splitmuxsink's segments continue each other's timestamps exactly; a new
 * session starts its own clock again (mpegtsmux begins at 3600 s), and a gap in an events-mode recording leaps
 * ahead. A muxer downstream refuses time that goes back ("decreasing DTS") and would hold the last picture over a
 * leap, so the joiner shifts each segment's PTS, DTS and PCR by one offset per stretch of continuous footage:
 * footage that follows on keeps its own timing, and a jump (back, or forward by more than JOIN_TOLERANCE_TICKS)
 * is closed so that the next picture comes one frame after the last one. All times are 90 kHz ticks, modulo 2^33
 * as the streams carry them (a session wraps after ~26.5 h); the joined stream starts at OUTPUT_BASE_TICKS, so
 * it never wraps within an export. ISO/IEC 13818-1 §2.4.3 (packets, PCR) and §2.4.3.7 (PES headers).
 */

/** MPEG-TS packet size and sync byte. */
export const TS_PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
/** PTS, DTS and the PCR base count 90 kHz ticks in 33 bits. */
const WRAP = 2 ** 33;
/** 90 kHz: ticks per second. */
export const TICKS_PER_SECOND = 90_000;
/** Where the joined stream's clock starts: mpegtsmux's own start (3600 s), far from 0 and from the wrap. */
export const OUTPUT_BASE_TICKS = 3600 * TICKS_PER_SECOND;
/** A forward leap up to this (1 s) is kept as it is (a late frame, a keyframe's rounding); a longer one is closed. */
export const JOIN_TOLERANCE_TICKS = TICKS_PER_SECOND;
/** The frame time assumed for a segment of one picture (30 frames/s). */
const DEFAULT_FRAME_TICKS = TICKS_PER_SECOND / 30;

/** x modulo 2^33, in [0, 2^33). */
const wrap = (x: number) => ((x % WRAP) + WRAP) % WRAP;
/** x modulo 2^33 in [-2^32, 2^32): the shortest way round the clock. */
const signed = (x: number) => {
  const w = wrap(x);
  return w >= WRAP / 2 ? w - WRAP : w;
};

/** The video timing of one segment: first and last DTS (raw, modulo 2^33), its pictures, one frame's ticks. */
export interface SegmentTiming {
  firstDts: number;
  /** Ticks from the first picture's DTS to the last one's (unwrapped). */
  spanTicks: number;
  pictures: number;
  frameTicks: number;
  /** The segment carries an audio stream (MPEG audio PES ids: the AAC a camera's microphone sends). */
  audio: boolean;
}

/** PES stream ids that carry the optional header with PTS/DTS: private 1, audio and video (§2.4.3.7, table 2-22). */
const hasOptionalHeader = (streamId: number) => streamId === 0xbd || (streamId >= 0xc0 && streamId <= 0xef);
const isVideo = (streamId: number) => streamId >= 0xe0 && streamId <= 0xef;
const isAudio = (streamId: number) => streamId >= 0xc0 && streamId <= 0xdf;

/** A timestamp field (PTS or DTS): 33 bits over five bytes, a marker bit after each part. */
function readTimestamp(bytes: Uint8Array, at: number): number {
  const b = (i: number) => bytes[at + i] ?? 0;
  return ((b(0) >> 1) & 0x07) * 2 ** 30 + (b(1) << 22) + ((b(2) >> 1) << 15) + (b(3) << 7) + (b(4) >> 1);
}

/** Writes a timestamp in place, keeping the field's 4-bit prefix and its marker bits. */
function writeTimestamp(bytes: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 2 ** 30) & 0x07;
  const low = value % 2 ** 30;
  bytes[at] = ((bytes[at] ?? 0) & 0xf0) | (high << 1) | 1;
  bytes[at + 1] = (low >> 22) & 0xff;
  bytes[at + 2] = (((low >> 15) & 0x7f) << 1) | 1;
  bytes[at + 3] = (low >> 7) & 0xff;
  bytes[at + 4] = ((low & 0x7f) << 1) | 1;
}

interface PesHeader {
  streamId: number;
  /** Offsets of the PTS and DTS fields in the buffer, or null when absent. */
  pts: number | null;
  dts: number | null;
}

/**
 * Visits every whole packet: `onPcr` with the offset of a PCR field, `onPes` with the start of a PES header whose
 * timestamp fields lie inside this packet. A byte that is not the sync byte ends the walk: a segment cut short is
 * read up to where it is whole.
 */
function walk(
  ts: Uint8Array,
  onPes: (header: PesHeader) => void,
  onPcr: ((at: number) => void) | null,
): void {
  for (let at = 0; at + TS_PACKET_SIZE <= ts.length; at += TS_PACKET_SIZE) {
    if (ts[at] !== SYNC_BYTE) return;
    const unitStart = ((ts[at + 1] ?? 0) & 0x40) !== 0;
    const control = ((ts[at + 3] ?? 0) >> 4) & 0x3;
    let payload = at + 4;
    if ((control & 0x2) !== 0) {
      const length = ts[at + 4] ?? 0;
      // PCR_flag in the adaptation field's flags byte; the PCR follows it (6 bytes).
      if (onPcr !== null && length >= 7 && ((ts[at + 5] ?? 0) & 0x10) !== 0) onPcr(at + 6);
      payload += 1 + length;
    }
    if (!unitStart || (control & 0x1) === 0) continue;
    const end = at + TS_PACKET_SIZE;
    if (payload + 9 > end || ts[payload] !== 0 || ts[payload + 1] !== 0 || ts[payload + 2] !== 1) continue;
    const streamId = ts[payload + 3] ?? 0;
    if (!hasOptionalHeader(streamId)) continue;
    const flags = ((ts[payload + 7] ?? 0) >> 6) & 0x3;
    // mpegtsmux keeps a PES header within its first packet; a header split across packets is left alone.
    const fields = payload + 9;
    const hasPts = (flags & 0x2) !== 0 && fields + 5 <= end;
    const hasDts = flags === 0x3 && fields + 10 <= end;
    onPes({ streamId, pts: hasPts ? fields : null, dts: hasDts ? fields + 5 : null });
  }
}

/** The segment's video timing from its PES headers, or null when it holds no timed picture. */
export function scanTiming(ts: Uint8Array): SegmentTiming | null {
  // One object, not four lets: the callback assigns it, which TypeScript's narrowing cannot follow.
  const seen: { first: number | null; last: number; pictures: number; audio: boolean } = {
    first: null,
    last: 0,
    pictures: 0,
    audio: false,
  };
  walk(
    ts,
    (header) => {
      if (isAudio(header.streamId)) seen.audio = true;
      if (!isVideo(header.streamId)) return;
      const field = header.dts ?? header.pts;
      if (field === null) return;
      const dts = readTimestamp(ts, field);
      seen.first ??= dts;
      seen.last = dts;
      seen.pictures += 1;
    },
    null,
  );
  const { first, last, pictures, audio } = seen;
  if (first === null) return null;
  const spanTicks = wrap(last - first);
  return {
    firstDts: first,
    spanTicks,
    pictures,
    frameTicks: pictures > 1 ? spanTicks / (pictures - 1) : DEFAULT_FRAME_TICKS,
    audio,
  };
}

/** Adds `shift` ticks (modulo 2^33) to every PTS, DTS and PCR in the segment, in place. */
export function shiftTimestamps(ts: Uint8Array, shift: number): void {
  if (wrap(shift) === 0) return;
  walk(
    ts,
    (header) => {
      for (const field of [header.pts, header.dts])
        if (field !== null) writeTimestamp(ts, field, wrap(readTimestamp(ts, field) + shift));
    },
    (at) => {
      const b = (i: number) => ts[at + i] ?? 0;
      // program_clock_reference_base: 33 bits, then 6 reserved bits and the 9-bit extension (kept).
      const base = b(0) * 2 ** 25 + (b(1) << 17) + (b(2) << 9) + (b(3) << 1) + (b(4) >> 7);
      const moved = wrap(base + shift);
      const top = Math.floor(moved / 2 ** 25);
      const rest = moved % 2 ** 25;
      ts[at] = top & 0xff;
      ts[at + 1] = (rest >> 17) & 0xff;
      ts[at + 2] = (rest >> 9) & 0xff;
      ts[at + 3] = (rest >> 1) & 0xff;
      ts[at + 4] = ((rest & 0x1) << 7) | (b(4) & 0x7f);
    },
  );
}

/**
 * Decides each segment's shift, in order. Returns the ticks to add to the segment just scanned; `joins` counts
 * the jumps closed so far (new sessions, gaps).
 */
export class TsJoiner {
  private shift: number | null = null;
  /** Where the next picture's DTS is expected in the joined stream (unwrapped, from OUTPUT_BASE_TICKS). */
  private expected = OUTPUT_BASE_TICKS;
  joins = 0;

  next(timing: SegmentTiming): number {
    let shift = this.shift;
    if (shift === null) {
      shift = OUTPUT_BASE_TICKS - timing.firstDts;
    } else {
      const lead = signed(timing.firstDts + shift - this.expected);
      // Half a frame early still comes after the last picture; anything earlier, or a long leap, is a jump.
      if (lead < -timing.frameTicks / 2 || lead > JOIN_TOLERANCE_TICKS) {
        shift = this.expected - timing.firstDts;
        this.joins += 1;
      }
    }
    this.shift = shift;
    const start = this.expected + signed(timing.firstDts + shift - this.expected);
    // Whole ticks: the shift of the next jump is written into 33-bit fields.
    this.expected = start + timing.spanTicks + Math.round(timing.frameTicks);
    return shift;
  }

  /** Ticks of joined footage so far: the output's duration. */
  get durationTicks(): number {
    return this.expected - OUTPUT_BASE_TICKS;
  }
}

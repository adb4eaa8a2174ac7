import { isKeyframe } from './stats.js';

/** MPEG-TS packet size and sync byte (ISO/IEC 13818-1 §2.4.3). */
const PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
/** PES stream_id range of video streams; mpegtsmux gives H.264 0xE0. */
const VIDEO_STREAM_FIRST = 0xe0;
const VIDEO_STREAM_LAST = 0xef;
/** PES header bytes before PES_header_data_length's data: start code (3), stream_id, length (2), flags (2), length. */
const PES_FIXED_HEADER = 9;

/** True when a PES packet for a video stream starts here (packet_start_code_prefix 00 00 01 and a video stream_id). */
function isVideoPesStart(payload: Uint8Array): boolean {
  const streamId = payload[3] ?? 0;
  return (
    payload.length >= PES_FIXED_HEADER &&
    payload[0] === 0 &&
    payload[1] === 0 &&
    payload[2] === 1 &&
    streamId >= VIDEO_STREAM_FIRST &&
    streamId <= VIDEO_STREAM_LAST
  );
}

/**
 * Counts the H.264 keyframes (access units whose first slice is IDR, as `isKeyframe` decides on the stats tap) in
 * an MPEG-TS file. mpegtsmux writes one access unit per PES packet, so each PES packet on a video PID is gathered
 * from its payload_unit_start packet up to the next one. A packet without the sync byte ends the count: a file
 * cut short (the worker was killed) is counted up to where it is whole.
 */
export function countKeyframes(ts: Uint8Array): number {
  const units = new Map<number, Uint8Array[]>();
  let keyframes = 0;
  const finish = (pid: number): void => {
    const parts = units.get(pid);
    units.delete(pid);
    if (parts !== undefined && isKeyframe(Buffer.concat(parts))) keyframes += 1;
  };
  for (let at = 0; at + PACKET_SIZE <= ts.length; at += PACKET_SIZE) {
    const packet = ts.subarray(at, at + PACKET_SIZE);
    if (packet[0] !== SYNC_BYTE) break;
    const flags = packet[1] ?? 0;
    const unitStart = (flags & 0x40) !== 0;
    const pid = ((flags & 0x1f) << 8) | (packet[2] ?? 0);
    const control = ((packet[3] ?? 0) >> 4) & 0x3;
    let start = 4;
    if ((control & 0x2) !== 0) start += 1 + (packet[4] ?? 0);
    if ((control & 0x1) === 0 || start >= PACKET_SIZE) continue;
    const payload = packet.subarray(start);
    if (unitStart) {
      finish(pid);
      // Other unit starts on this PID (PAT and PMT sections) carry no pictures.
      if (isVideoPesStart(payload)) units.set(pid, [payload.subarray(PES_FIXED_HEADER + (payload[8] ?? 0))]);
    } else {
      units.get(pid)?.push(payload);
    }
  }
  for (const pid of [...units.keys()]) finish(pid);
  return keyframes;
}

/**
 * The span of an MPEG-TS file's video, from the PTS of its PES packets (90 kHz): first and last presentation
 * times and the number of pictures, or null when it holds none. A file cut short is read up to where it is
 * whole. Used to index a segment whose worker never reported it (the reconcile pass after a crash).
 */
export function videoSpan(ts: Uint8Array): { firstPts: number; lastPts: number; pictures: number } | null {
  let firstPts: number | null = null;
  let lastPts = 0;
  let pictures = 0;
  for (let at = 0; at + PACKET_SIZE <= ts.length; at += PACKET_SIZE) {
    const packet = ts.subarray(at, at + PACKET_SIZE);
    if (packet[0] !== SYNC_BYTE) break;
    if (((packet[1] ?? 0) & 0x40) === 0) continue;
    const control = ((packet[3] ?? 0) >> 4) & 0x3;
    let start = 4;
    if ((control & 0x2) !== 0) start += 1 + (packet[4] ?? 0);
    if ((control & 0x1) === 0 || start >= PACKET_SIZE) continue;
    const payload = packet.subarray(start);
    // PTS present (PTS_DTS_flags' high bit): 33 bits over five bytes, markers between (§2.4.3.7).
    if (!isVideoPesStart(payload) || ((payload[7] ?? 0) & 0x80) === 0 || payload.length < 14) continue;
    const b = (i: number) => payload[9 + i] ?? 0;
    const pts =
      ((b(0) >> 1) & 0x07) * 2 ** 30 + (b(1) << 22) + ((b(2) >> 1) << 15) + (b(3) << 7) + (b(4) >> 1);
    firstPts ??= pts;
    lastPts = pts;
    pictures += 1;
  }
  return firstPts === null ? null : { firstPts, lastPts, pictures };
}

/**
 * Reading an MP4's structure in tests (ISO/IEC 14496-12): the top-level boxes in file order, the movie's
 * duration from mvhd, and the H.264 sample description's SPS from avcC (ISO/IEC 14496-15 §5.3.3).
 */

export interface Mp4Info {
  /** Top-level box types in file order: a faststart file has moov before mdat. */
  order: string[];
  /** mvhd duration / timescale, seconds. */
  durationSeconds: number;
  /** The first SPS in avcC, or null. */
  sps: Buffer | null;
  /** Bytes of mdat's payload. */
  mdatBytes: number;
}

function boxes(data: Buffer, start: number, end: number): { type: string; at: number; size: number }[] {
  const found = [];
  for (let at = start; at + 8 <= end;) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8));
    else if (size === 0) size = end - at;
    if (size < 8) break;
    found.push({ type, at, size });
    at += size;
  }
  return found;
}

/** The box at `path` (e.g. ['moov', 'trak', 'mdia']): the first match at each level. */
function find(data: Buffer, path: readonly string[]): { at: number; size: number } | null {
  let start = 0;
  let end = data.length;
  let box: { at: number; size: number } | undefined;
  for (const type of path) {
    box = boxes(data, start, end).find((b) => b.type === type);
    if (box === undefined) return null;
    start = box.at + 8;
    end = box.at + box.size;
  }
  return box ?? null;
}

export function readMp4(data: Buffer): Mp4Info {
  const top = boxes(data, 0, data.length);
  const mvhd = find(data, ['moov', 'mvhd']);
  let durationSeconds = NaN;
  if (mvhd !== null) {
    const version = data[mvhd.at + 8];
    const body = mvhd.at + 12;
    durationSeconds =
      version === 1
        ? Number(data.readBigUInt64BE(body + 24)) / data.readUInt32BE(body + 16)
        : data.readUInt32BE(body + 12) / data.readUInt32BE(body + 8);
  }
  let sps: Buffer | null = null;
  const stsd = find(data, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (stsd !== null) {
    // stsd: full box header (4) + entry count (4), then the avc1 entry: 8 box + 78 visual sample entry bytes.
    const avc1 = stsd.at + 16;
    const avcC = boxes(data, avc1 + 8 + 78, avc1 + data.readUInt32BE(avc1)).find((b) => b.type === 'avcC');
    if (avcC !== undefined) {
      const body = avcC.at + 8;
      const count = (data[body + 5] ?? 0) & 0x1f;
      if (count > 0) {
        const length = data.readUInt16BE(body + 6);
        sps = data.subarray(body + 8, body + 8 + length);
      }
    }
  }
  const mdat = top.find((b) => b.type === 'mdat');
  return { order: top.map((b) => b.type), durationSeconds, sps, mdatBytes: mdat ? mdat.size - 8 : 0 };
}

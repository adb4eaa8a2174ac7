import { caps, el, ref, type Chain, type PipelineDescription } from './spec.js';

/** Element names the export program sets properties on. */
export const EXPORT_MUXER = 'mux';
export const EXPORT_SINK = 'sink';
const DEMUXER = 'demux';
/**
 * Each stream's queue after the demuxer: bounded by time only. The segments interleave audio and video within a
 * fraction of a second, so 5 s never blocks the demuxer while mp4mux waits for the other stream, and a day-long
 * export still cannot pile up in memory.
 */
const streamQueue = () => el('queue', { 'max-size-buffers': 0, 'max-size-bytes': 0, 'max-size-time': 5e9 });

/**
 * Kept MPEG-TS segments, already joined into one stream with a forward-only clock (media/ts-retime.ts), on fd 0
 * → one MP4 of the same H.264 (remuxed, never re-encoded). h264parse turns the segments' byte-stream into the
 * avc form MP4 stores (SPS/PPS in the sample description). faststart puts the index (moov) before the pictures,
 * so a browser plays while it downloads; mp4mux writes the pictures to `faststartFile` meanwhile and copies
 * them behind the index at the end, so that file must be on the vault too (its default is the system's /tmp).
 * Both paths are properties set after parsing, never part of the string. With `audio` (the first segment has
 * the camera's AAC) it goes into the MP4 as it is, aacparse turning ADTS into the raw frames MP4 stores; without,
 * any audio stays unlinked (tsdemux goes on as long as one of its pads is linked). Audio is only linked when it
 * is known to be there: a branch that never gets a pad would never see EOS, and mp4mux would wait for it.
 */
export function buildExportPipeline(
  output: string,
  faststartFile: string,
  audio = false,
): PipelineDescription {
  const audioChain: Chain = [
    ref(DEMUXER),
    streamQueue(),
    el('aacparse'),
    caps('audio/mpeg', { mpegversion: 4, 'stream-format': 'raw' }),
    ref(EXPORT_MUXER, 'audio_%u'),
  ];
  return {
    chains: [
      [
        el('fdsrc', { fd: 0 }),
        caps('video/mpegts', { systemstream: true, packetsize: 188 }),
        el('tsdemux', {}, DEMUXER),
        streamQueue(),
        el('h264parse'),
        caps('video/x-h264', { 'stream-format': 'avc', alignment: 'au' }),
        el('mp4mux', { faststart: true }, EXPORT_MUXER),
        el('filesink', { sync: false, async: false }, EXPORT_SINK),
      ],
      ...(audio ? [audioChain] : []),
    ],
    properties: [
      { element: EXPORT_MUXER, property: 'faststart-file', value: faststartFile },
      { element: EXPORT_SINK, property: 'location', value: output },
    ],
  };
}

import { caps, el, type PipelineDescription } from './spec.js';

/** Element names the export program sets properties on. */
export const EXPORT_MUXER = 'mux';
export const EXPORT_SINK = 'sink';

/**
 * Kept MPEG-TS segments, already joined into one stream with a forward-only clock (media/ts-retime.ts), on fd 0
 * → one MP4 of the same H.264 (remuxed, never re-encoded). h264parse turns the segments' byte-stream into the
 * avc form MP4 stores (SPS/PPS in the sample description). faststart puts the index (moov) before the pictures,
 * so a browser plays while it downloads; mp4mux writes the pictures to `faststartFile` meanwhile and copies
 * them behind the index at the end, so that file must be on the vault too (its default is the system's /tmp).
 * Both paths are properties set after parsing, never part of the string. An audio stream in the segments is left
 * unlinked: tsdemux goes on as long as one of its pads is linked.
 */
export function buildExportPipeline(output: string, faststartFile: string): PipelineDescription {
  return {
    chains: [
      [
        el('fdsrc', { fd: 0 }),
        caps('video/mpegts', { systemstream: true, packetsize: 188 }),
        el('tsdemux'),
        el('h264parse'),
        caps('video/x-h264', { 'stream-format': 'avc', alignment: 'au' }),
        el('mp4mux', { faststart: true }, EXPORT_MUXER),
        el('filesink', { sync: false, async: false }, EXPORT_SINK),
      ],
    ],
    properties: [
      { element: EXPORT_MUXER, property: 'faststart-file', value: faststartFile },
      { element: EXPORT_SINK, property: 'location', value: output },
    ],
  };
}

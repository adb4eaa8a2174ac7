import { caps, el, fraction, type PipelineDescription } from './spec.js';

/** The appsink the thumbnail program takes its one JPEG from. */
export const THUMBNAIL_SINK = 'thumb';
/** Narrowest and widest thumbnail the program makes, in px. */
export const THUMBNAIL_WIDTH_RANGE = { min: 16, max: 1920 } as const;

/**
 * One kept MPEG-TS segment (H.264, starting on a keyframe) → its first picture as a JPEG `width` px wide, the
 * height following the picture's shape. The path is a property set after parsing, never part of the string.
 * h264parse hands the decoder avc access units: libav (GStreamer 1.22) damages several-slice pictures given to
 * it as the byte-stream the segments hold (media/pipelines/camera.ts). One decoder thread, because frame
 * threading holds pictures back and only the first is wanted; the appsink keeps one and blocks the rest.
 */
export function buildThumbnailPipeline(input: string, width: number, quality = 75): PipelineDescription {
  return {
    chains: [
      [
        el('filesrc', {}, 'src'),
        el('tsdemux'),
        el('h264parse'),
        caps('video/x-h264', { 'stream-format': 'avc', alignment: 'au' }),
        el('avdec_h264', { 'max-threads': 1, 'output-corrupt': false }),
        el('videoscale'),
        el('videoconvert'),
        caps('video/x-raw', { format: 'I420', width, 'pixel-aspect-ratio': fraction(1, 1) }),
        el('jpegenc', { quality }),
        el(
          'appsink',
          { sync: false, async: false, drop: false, 'max-buffers': 1, 'enable-last-sample': false },
          THUMBNAIL_SINK,
        ),
      ],
    ],
    properties: [{ element: 'src', property: 'location', value: input }],
  };
}

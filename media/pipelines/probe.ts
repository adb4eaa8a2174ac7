import type { CameraSource } from '../protocol.js';
import {
  fileSource,
  type MediaInfo,
  type AudioCodec,
  RTP_AUDIO_ENCODINGS,
  rtspSource,
  v4l2Source,
  VIDEO_ONLY_CAPS,
} from './sources.js';
import { caps, el, ref, type PipelineDescription } from './spec.js';

/** The appsink a probe reads its first sample (and so the stream's caps) from. */
export const PROBE_SINK = 'probe';
/** An RTSP probe's appsink for the camera's audio stream: its caps say which audio the camera sends. */
export const PROBE_AUDIO_SINK = 'probeaudio';

const probeSink = el(
  'appsink',
  { sync: false, async: false, drop: true, 'max-buffers': 1, 'enable-last-sample': false },
  PROBE_SINK,
);

/**
 * Just enough pipeline to learn codec, size and rate: parsebin depayloads and parses without decoding, and its
 * parsers put width, height and framerate into the caps of the first sample. Null for the test camera, whose
 * answer is its own configuration.
 */
export function buildProbePipeline(source: CameraSource, timeoutMs: number): PipelineDescription | null {
  switch (source.kind) {
    case 'rtsp': {
      // The TCP connect timeout follows the probe's deadline (microseconds) so a dead host fails in time.
      const head = rtspSource(source, undefined, {
        'tcp-timeout': Math.max(1, Math.round(timeoutMs)) * 1000,
      });
      return {
        chains: [
          [...head.nodes, el('parsebin'), probeSink],
          // A second stream of rtspsrc's, linked (delayed) only if the camera announces audio.
          [
            ref('src'),
            caps('application/x-rtp', { media: 'audio' }),
            el(
              'appsink',
              { sync: false, async: false, drop: true, 'max-buffers': 1, 'enable-last-sample': false },
              PROBE_AUDIO_SINK,
            ),
          ],
        ],
        properties: head.properties,
      };
    }
    case 'file': {
      const head = fileSource(source);
      return {
        chains: [[...head.nodes, el('parsebin'), el('capsfilter', {}, 'videoonly'), probeSink]],
        properties: [...head.properties, { element: 'videoonly', property: 'caps', value: VIDEO_ONLY_CAPS }],
      };
    }
    case 'v4l2': {
      const head = v4l2Source(source);
      return { chains: [[...head.nodes, probeSink]], properties: head.properties };
    }
    case 'test':
      return null;
  }
}

const CODECS: Readonly<Record<string, string>> = {
  'video/x-h264': 'h264',
  'video/x-h265': 'h265',
  'image/jpeg': 'jpeg',
  'video/x-raw': 'raw',
  'video/x-vp8': 'vp8',
  'video/x-vp9': 'vp9',
  'video/x-av1': 'av1',
  'video/x-theora': 'theora',
};

/** Caps fields as gstreamer-superficial hands them over (fractions arrive as "30/1"). */
export type CapsFields = Readonly<Record<string, unknown>>;

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** "30000/1001" → 29.97; "0/1" (variable or unknown rate) → null. */
export function parseFramerate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (match === null) return null;
  const num = Number(match[1]);
  const den = Number(match[2]);
  if (num === 0 || den === 0) return null;
  return Math.round((num / den) * 100) / 100;
}

/**
 * The codec name and geometry in a sample's caps. An RTP stream that parsebin could not depayload arrives as
 * application/x-rtp: its encoding name becomes the codec, which the caller rejects as unsupported.
 */
export function mediaInfoFromCaps(fields: CapsFields): MediaInfo | null {
  const name = fields['name'];
  if (typeof name !== 'string') return null;
  let codec = CODECS[name];
  if (codec === undefined) {
    if (name === 'video/mpeg') {
      codec = fields['mpegversion'] === 4 ? 'mpeg4' : 'mpeg2';
    } else if (name === 'application/x-rtp') {
      const encoding = fields['encoding-name'];
      codec = `rtp-${typeof encoding === 'string' ? encoding.toLowerCase() : 'unknown'}`;
    } else {
      codec = name.replace(/^(video|image)\/(x-)?/, '');
    }
  }
  return {
    codec,
    width: positiveInt(fields['width']),
    height: positiveInt(fields['height']),
    fps: parseFramerate(fields['framerate']),
  };
}

/** The audio a recording can keep from an RTSP audio stream's caps, or null for another encoding. */
export function audioCodecFromCaps(fields: CapsFields): AudioCodec | null {
  const encoding = fields['encoding-name'];
  return typeof encoding === 'string' ? (RTP_AUDIO_ENCODINGS[encoding.toUpperCase()] ?? null) : null;
}

/** Codecs the camera pipeline can take: H.264 passes through; the rest are decoded and re-encoded. */
export function isSupportedCodec(codec: string): boolean {
  return !codec.startsWith('rtp-');
}

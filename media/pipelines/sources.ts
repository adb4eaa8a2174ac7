import type { CameraSource } from '../protocol.js';
import { caps, el, type PipelineNode, type PropertySetting } from './spec.js';

/** What a probe learned about a source; decides passthrough or transcode and sizes the encoder and stills. */
export interface MediaInfo {
  /** 'h264', 'h265', 'jpeg', 'raw', or another lower-case codec name. */
  codec: string;
  width: number | null;
  height: number | null;
  /** Frames per second, or null when the stream does not say. */
  fps: number | null;
  /** The RTSP camera's audio stream that recordings keep, or null/absent for none. */
  audio?: AudioCodec | null;
}

/**
 * Audio a recording keeps: AAC as it is (MPEG-TS carries it and browsers play it), G.711 (A-law or µ-law, what
 * many cameras send by default) turned into AAC, which costs next to nothing at 8 kHz.
 */
export type AudioCodec = 'aac' | 'pcma' | 'pcmu';

/** The RTP encoding names (RFC 3640, RFC 3551) of the audio a recording keeps. */
export const RTP_AUDIO_ENCODINGS: Readonly<Record<string, AudioCodec>> = {
  'MPEG4-GENERIC': 'aac',
  PCMA: 'pcma',
  PCMU: 'pcmu',
};

/** The RTP caps of an RTSP camera's audio stream in `codec`. */
export function rtspAudioCaps(codec: AudioCodec): { media: 'audio'; 'encoding-name': string } {
  const name = Object.keys(RTP_AUDIO_ENCODINGS).find((key) => RTP_AUDIO_ENCODINGS[key] === codec) ?? '';
  return { media: 'audio', 'encoding-name': name };
}

/** The head of a pipeline: its nodes, and the user values to set on them after parsing. */
export interface Segment {
  nodes: PipelineNode[];
  properties: PropertySetting[];
}

/** Raw video out of every decoded branch: I420 keeps x264 on constrained baseline (no 4:2:2 / 4:4:4 profiles). */
export const RAW_I420 = caps('video/x-raw', { format: 'I420' });

/** Every video elementary stream parsebin may expose, so a probe or a decoder never links an audio pad. */
export const VIDEO_ONLY_CAPS = [
  'video/x-h264',
  'video/x-h265',
  'image/jpeg',
  'video/x-raw',
  'video/mpeg',
  'video/x-vp8',
  'video/x-vp9',
  'video/x-av1',
  'video/x-theora',
  'video/x-divx',
  'video/x-xvid',
  'video/x-msmpeg',
  'video/x-wmv',
].join(';');

export type RtspSource = Extract<CameraSource, { kind: 'rtsp' }>;
export type V4l2Source = Extract<CameraSource, { kind: 'v4l2' }>;
export type FileSource = Extract<CameraSource, { kind: 'file' }>;
export type TestSource = Extract<CameraSource, { kind: 'test' }>;

/**
 * `rtspsrc`: transport and jitter-buffer latency are an enum and a number we check; URL and credentials are
 * properties. `encodingName` (H264, H265, JPEG) narrows the stream to link when the codec is known.
 */
export function rtspSource(
  source: RtspSource,
  encodingName?: string,
  extra: Record<string, number> = {},
): Segment {
  const properties: PropertySetting[] = [{ element: 'src', property: 'location', value: source.url }];
  if (source.username !== undefined && source.username !== '') {
    properties.push({ element: 'src', property: 'user-id', value: source.username, secret: true });
  }
  if (source.password !== undefined && source.password !== '') {
    properties.push({ element: 'src', property: 'user-pw', value: source.password, secret: true });
  }
  return {
    nodes: [
      el('rtspsrc', { protocols: source.transport, latency: source.latencyMs, ...extra }, 'src'),
      // rtspsrc adds one pad per stream; the caps make gst_parse's delayed link wait for the video one.
      caps('application/x-rtp', {
        media: 'video',
        ...(encodingName === undefined ? {} : { 'encoding-name': encodingName }),
      }),
    ],
    properties,
  };
}

/** Caps from the optional size/rate hints, as one caps string set on the `hints` capsfilter (raw or MJPEG). */
export function v4l2HintCaps(source: V4l2Source): string | null {
  const fields: string[] = [];
  if (source.width !== undefined) fields.push(`width=${source.width}`);
  if (source.height !== undefined) fields.push(`height=${source.height}`);
  if (source.fps !== undefined) fields.push(`framerate=${source.fps}/1`);
  if (fields.length === 0) return null;
  const tail = fields.join(',');
  return `video/x-raw,${tail};image/jpeg,${tail}`;
}

/** `v4l2src` and a `hints` capsfilter; the device path is a property. */
export function v4l2Source(source: V4l2Source): Segment {
  const properties: PropertySetting[] = [{ element: 'src', property: 'device', value: source.device }];
  const hints = v4l2HintCaps(source);
  if (hints !== null) properties.push({ element: 'hints', property: 'caps', value: hints });
  return { nodes: [el('v4l2src', {}, 'src'), el('capsfilter', {}, 'hints')], properties };
}

/** `filesrc`; the path is a property. */
export function fileSource(source: FileSource): Segment {
  return {
    nodes: [el('filesrc', {}, 'src')],
    properties: [{ element: 'src', property: 'location', value: source.path }],
  };
}

/** The raw caps the test pattern pushes (our numbers, set as the appsrc's `caps` property). */
export function testSourceCaps(source: TestSource): string {
  return `video/x-raw,format=I420,width=${source.width},height=${source.height},framerate=${source.fps}/1`;
}

/** `appsrc` fed with frames drawn in JS: live, stamped with the running time on push, never queueing more than 2. */
export function testSource(source: TestSource): Segment {
  return {
    nodes: [
      el(
        'appsrc',
        {
          'is-live': true,
          'do-timestamp': true,
          format: 'time',
          block: false,
          'max-buffers': 2,
          'leaky-type': 'downstream',
        },
        'src',
      ),
    ],
    properties: [{ element: 'src', property: 'caps', value: testSourceCaps(source) }],
  };
}

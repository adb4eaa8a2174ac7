import type { CameraSource, StartMessage } from '../protocol.js';
import {
  fileSource,
  type MediaInfo,
  RAW_I420,
  rtspAudioCaps,
  type AudioCodec,
  rtspSource,
  type Segment,
  testSource,
  v4l2Source,
} from './sources.js';
import { caps, el, fraction, type Chain, type PipelineDescription, type PipelineNode, ref } from './spec.js';

/** Element names the worker looks up after parsing. */
export const NAMES = {
  source: 'src',
  /** Tee of the encoded H.264 stream (live, recording, stats). */
  encoded: 't',
  /** RTSP H.264 passthrough: the depayloaded stream, before the encoded tee's parse (see the decode branch). */
  depayed: 'depayed',
  /** Tee of decoded I420 frames (encoder, stills); absent on H.264 passthrough. */
  raw: 'raw',
  udp: 'rtp',
  /** The live branch's queue, whose sink pad sends keyframe requests up to the encoder (or the source). */
  liveQueue: 'liveq',
  stats: 'stats',
  stills: 'stills',
  /** Decoded RGB frames for the inference worker (only when detection is on). */
  analysis: 'analysis',
  /** Recording: splitmuxsink writing MPEG-TS segments (with `segments`), else a fakesink holding the place. */
  recording: 'rec',
} as const;

export interface CameraPipelineOptions {
  source: CameraSource;
  /** What the probe learned (for the test camera: its own configuration). */
  media: MediaInfo;
  rtp: StartMessage['rtp'];
  stills: StartMessage['stills'];
  analysis?: StartMessage['analysis'];
  segments?: StartMessage['segments'];
}

export interface CameraPipeline extends PipelineDescription {
  /** Codec the camera sends, as reported in `ready`. */
  sourceCodec: string;
  /** True when the live branch is re-encoded. */
  transcoded: boolean;
  /** Files play in a loop: the worker seeks back to the start at the end of each pass. */
  loops: boolean;
}

/** Keyframe interval: at most one second of frames (30 when the rate is unknown), so viewers start fast. */
export function keyframeInterval(fps: number | null): number {
  if (fps === null || !Number.isFinite(fps) || fps <= 0) return 30;
  return Math.min(60, Math.max(1, Math.round(fps)));
}

/** x264 bitrate in kbit/s: ~0.08 bit per pixel per frame, within 500..8000 (x264enc's default is 2048). */
export function encoderBitrate(media: MediaInfo): number {
  if (media.width === null || media.height === null) return 2048;
  const bits = media.width * media.height * (media.fps ?? 30) * 0.08;
  return Math.min(8000, Math.max(500, Math.round(bits / 1000)));
}

/** Still width: the source width capped at `maxWidth`, even (I420); the height follows the aspect ratio. */
export function stillWidth(media: MediaInfo, maxWidth: number): number {
  const width = Math.min(maxWidth, media.width ?? maxWidth);
  return Math.max(2, width - (width % 2));
}

const leaky = (buffers: number, name?: string): PipelineNode =>
  el(
    'queue',
    { leaky: 'downstream', 'max-size-buffers': buffers, 'max-size-bytes': 0, 'max-size-time': 0 },
    name,
  );

/** An appsink for JS: never syncs, never blocks preroll, keeps only the newest `buffers` samples. */
const appsink = (name: string, buffers: number): PipelineNode =>
  el(
    'appsink',
    { sync: false, async: false, drop: true, 'max-buffers': buffers, 'enable-last-sample': false },
    name,
  );

/** Encoded H.264 (byte-stream, whole access units, SPS/PPS before every IDR) into the `t` tee. */
const H264_TO_TEE: PipelineNode[] = [
  el('h264parse', { 'config-interval': -1 }),
  caps('video/x-h264', { 'stream-format': 'byte-stream', alignment: 'au' }),
  el('tee', {}, NAMES.encoded),
];

/** splitmuxsink's file name pattern inside `dir`: `%` in the directory itself is escaped for its printf. */
export function segmentLocation(dir: string): string {
  return `${dir.replace(/\/+$/, '').replaceAll('%', '%%')}/%08d.ts`;
}

/**
 * splitmuxsink's max-size-time, ns. It closes a file before the GOP that would take it past this limit, so a
 * limit of exactly `seconds` would end most files a GOP early (two 1 s GOPs stamped 2.002 s do not fit in 2 s).
 * One GOP more, less half a frame for timestamp jitter, ends each file at the first keyframe at or after
 * `seconds` while keyframes come regularly; an extra one (a viewer joining, a scene cut) can make a file up to a
 * GOP longer, never shorter. The GOP is our encoder's (keyframeInterval, about 1 s); a camera passed through is
 * assumed to send keyframes about as often (its interval is unknown here; a longer one gives the whole GOPs that
 * fit, at least one).
 */
export function segmentMaxTime(seconds: number, fps: number | null): number {
  const rate = fps !== null && Number.isFinite(fps) && fps > 0 ? fps : 30;
  const gop = keyframeInterval(fps) / rate;
  return Math.round((seconds + gop - 0.5 / rate) * 1e9);
}

/** The encoded stream as it is (never re-encoded) cut at keyframes into MPEG-TS files, or a placeholder. */
function recordingBranch(options: CameraPipelineOptions): Chain {
  const { segments } = options;
  if (segments === undefined)
    return [
      ref(NAMES.encoded),
      leaky(1, 'recq'),
      el('fakesink', { sync: false, async: false }, NAMES.recording),
    ];
  return [
    ref(NAMES.encoded),
    // Recording must not lose frames: this queue only drops once 3 s are stuck (the disk stalled), so that a
    // stalled writer never freezes the live branch behind the tee.
    el(
      'queue',
      { leaky: 'downstream', 'max-size-buffers': 0, 'max-size-bytes': 0, 'max-size-time': 3e9 },
      'recq',
    ),
    el(
      'splitmuxsink',
      {
        'muxer-factory': 'mpegtsmux',
        'max-size-time': segmentMaxTime(segments.seconds, options.media.fps),
      },
      NAMES.recording,
    ),
  ];
}

/**
 * An RTSP camera's audio into splitmuxsink's audio pad: AAC as it is, G.711 decoded and encoded as AAC (MPEG-TS
 * has no G.711). Only built when the probe saw audio: an audio pad that never gets data would hold every segment
 * open. The queue absorbs the jitter between the two streams.
 */
function audioToRecording(codec: AudioCodec): Chain {
  const toAac: PipelineNode[] =
    codec === 'aac'
      ? [el('rtpmp4gdepay')]
      : [
          el(codec === 'pcma' ? 'rtppcmadepay' : 'rtppcmudepay'),
          el(codec === 'pcma' ? 'alawdec' : 'mulawdec'),
          el('audioconvert'),
          el('audioresample'),
          el('avenc_aac'),
        ];
  return [
    ref('src'),
    caps('application/x-rtp', rtspAudioCaps(codec)),
    ...toAac,
    el('aacparse'),
    el('queue', { leaky: 'downstream', 'max-size-buffers': 0, 'max-size-bytes': 0, 'max-size-time': 3e9 }),
    ref(NAMES.recording, 'audio_%u'),
  ];
}

/** Live RTP to Janus, recording, and the stats tap, all from the encoded tee. */
function encodedBranches(options: CameraPipelineOptions): Chain[] {
  return [
    [
      ref(NAMES.encoded),
      el('queue', {}, NAMES.liveQueue),
      el('rtph264pay', { 'config-interval': -1, pt: 96 }),
      el('udpsink', { sync: false, async: false }, NAMES.udp),
    ],
    recordingBranch(options),
    [ref(NAMES.encoded), leaky(30, 'statsq'), appsink(NAMES.stats, 30)],
  ];
}

/** Decoded frames → at most `fps` a second → at most `maxWidth` wide → JPEG; the newest one wins everywhere. */
function stillsTail(options: CameraPipelineOptions): PipelineNode[] {
  const { fps, maxWidth, quality } = options.stills;
  return [
    el('videorate', { 'drop-only': true, 'max-rate': Math.max(1, Math.ceil(fps)) }),
    el('videoscale'),
    el('videoconvert'),
    caps('video/x-raw', {
      format: 'I420',
      width: stillWidth(options.media, maxWidth),
      'pixel-aspect-ratio': fraction(1, 1),
    }),
    el('jpegenc', { quality: Math.round(quality) }),
    appsink(NAMES.stills, 1),
  ];
}

/**
 * Analysis size: the source scaled to at most `maxWidth` wide, width a multiple of 4 (so packed RGB rows need
 * no padding) and an even height, keeping the aspect ratio (16:9 when the source does not say).
 */
export function analysisSize(media: MediaInfo, maxWidth: number): { width: number; height: number } {
  const sourceWidth = media.width ?? 1280;
  const sourceHeight = media.height ?? 720;
  const width = Math.max(64, Math.min(maxWidth, sourceWidth) - (Math.min(maxWidth, sourceWidth) % 4));
  const height = Math.max(2, Math.round((width * sourceHeight) / sourceWidth / 2) * 2);
  return { width, height };
}

/** Decoded frames → at most the analysis rate → RGB at the analysis size; the newest one wins. */
function analysisTail(
  options: CameraPipelineOptions,
  analysis: NonNullable<StartMessage['analysis']>,
): PipelineNode[] {
  const { width, height } = analysisSize(options.media, analysis.maxWidth);
  return [
    el('videorate', { 'drop-only': true, 'max-rate': Math.max(1, Math.ceil(analysis.fps)) }),
    el('videoscale'),
    el('videoconvert'),
    caps('video/x-raw', { format: 'RGB', width, height, 'pixel-aspect-ratio': fraction(1, 1) }),
    appsink(NAMES.analysis, 1),
  ];
}

/** Decoded I420 → x264 (zero latency, constrained baseline) → the encoded tee. */
function encoderChain(media: MediaInfo): Chain {
  return [
    ref(NAMES.raw),
    leaky(3, 'encq'),
    el(
      'x264enc',
      {
        tune: 'zerolatency',
        'speed-preset': 'ultrafast',
        'key-int-max': keyframeInterval(media.fps),
        bitrate: encoderBitrate(media),
      },
      'enc',
    ),
    caps('video/x-h264', { profile: 'constrained-baseline' }),
    ...H264_TO_TEE,
  ];
}

/** A file's frame rate as an integer for videorate: the probed one, or 30 when the file does not say. */
const fileRate = (fps: number | null): number =>
  fps !== null && Number.isFinite(fps) && fps >= 1 ? Math.min(120, Math.round(fps)) : 30;

/** Nodes from the source's output to decoded I420 frames, per source kind and codec. */
function decodeNodes(source: CameraSource, media: MediaInfo): PipelineNode[] {
  const codec = media.codec;
  const toRaw = [el('videoconvert'), RAW_I420];
  switch (source.kind) {
    case 'test':
      return [RAW_I420];
    case 'file':
      // decodebin's audio pad finds no taker (videoconvert only accepts video); clocksync plays it in real time.
      // A user's file may carry broken timestamps (jumps back, stalls): videorate at the probed rate makes them
      // a perfect stream (dropping what goes back, repeating over a gap), so the encoder and splitmuxsink after
      // it never see time run backwards ("Queued GOP time is negative" would end the camera).
      return [
        el('decodebin'),
        ...toRaw,
        el('videorate'),
        caps('video/x-raw', { framerate: fraction(fileRate(media.fps), 1) }),
        el('clocksync'),
      ];
    case 'v4l2':
      return [el('decodebin'), ...toRaw];
    case 'rtsp':
      switch (codec) {
        case 'h265':
          return [el('rtph265depay'), el('h265parse'), el('avdec_h265'), ...toRaw];
        case 'jpeg':
          return [el('rtpjpegdepay'), el('jpegdec'), ...toRaw];
        default:
          return [el('decodebin'), ...toRaw];
      }
  }
}

/** RTP encoding names of the codecs with an explicit depayloader; others go through decodebin. */
const RTP_ENCODING: Readonly<Record<string, string>> = { h264: 'H264', h265: 'H265', jpeg: 'JPEG' };

function sourceSegment(source: CameraSource, codec: string): Segment {
  switch (source.kind) {
    case 'rtsp':
      return rtspSource(source, RTP_ENCODING[codec]);
    case 'v4l2':
      return v4l2Source(source);
    case 'file':
      return fileSource(source);
    case 'test':
      return testSource(source);
  }
}

/**
 * The camera pipeline. H.264 over RTSP passes through (depay + parse, no decode on the live branch; the stills
 * branch decodes on its own after the tee). Everything else is decoded once into the `raw` tee, which feeds
 * x264 and the stills branch.
 */
export function buildCameraPipeline(options: CameraPipelineOptions): CameraPipeline {
  const { source, media } = options;
  const head = sourceSegment(source, media.codec);
  const passthrough = source.kind === 'rtsp' && media.codec === 'h264';
  const chains: Chain[] = passthrough
    ? [
        [...head.nodes, el('rtph264depay'), el('tee', {}, NAMES.depayed)],
        [ref(NAMES.depayed), el('queue'), ...H264_TO_TEE],
        ...encodedBranches(options),
        // The decoder gets the depayloaded stream through its own parse (it picks avc access units), not the
        // encoded tee's byte-stream with SPS/PPS repeated before every IDR: libav (GStreamer 1.22) decodes
        // that form into part-damaged pictures whenever a frame has several slices and much changes at once.
        // A decoder needs every frame: this queue only drops (2 s worth) when decoding falls behind.
        [
          ref(NAMES.depayed),
          el('queue', {
            leaky: 'downstream',
            'max-size-buffers': 0,
            'max-size-bytes': 0,
            'max-size-time': 2e9,
          }),
          el('h264parse'),
          el('avdec_h264', { 'output-corrupt': false }),
          ...(options.analysis ? [el('tee', {}, NAMES.raw)] : stillsTail(options)),
        ],
        // The camera's AAC goes into the recording as it is (depayloaded, parsed), beside its H.264.
        ...(options.segments && media.audio ? [audioToRecording(media.audio)] : []),
        // With detection on, the one decode feeds both the stills and the analysis frames.
        ...(options.analysis
          ? [
              [ref(NAMES.raw), leaky(1, 'stillq'), ...stillsTail(options)],
              [ref(NAMES.raw), leaky(1, 'analysisq'), ...analysisTail(options, options.analysis)],
            ]
          : []),
      ]
    : [
        [...head.nodes, ...decodeNodes(source, media), el('tee', {}, NAMES.raw)],
        encoderChain(media),
        ...encodedBranches(options),
        [ref(NAMES.raw), leaky(1, 'stillq'), ...stillsTail(options)],
        ...(options.analysis
          ? [[ref(NAMES.raw), leaky(1, 'analysisq'), ...analysisTail(options, options.analysis)]]
          : []),
      ];
  return {
    chains,
    properties: [
      ...head.properties,
      { element: NAMES.udp, property: 'host', value: options.rtp.host },
      { element: NAMES.udp, property: 'port', value: options.rtp.port },
      ...(options.segments
        ? [{ element: NAMES.recording, property: 'location', value: segmentLocation(options.segments.dir) }]
        : []),
    ],
    sourceCodec: media.codec,
    transcoded: !passthrough,
    loops: source.kind === 'file',
  };
}

import { classifyGstError, describeGstError, gstErrorInfo } from './errors.js';
import { PipelineRunner } from './gst/runner.js';
import {
  audioCodecFromCaps,
  buildProbePipeline,
  isSupportedCodec,
  mediaInfoFromCaps,
  PROBE_AUDIO_SINK,
  PROBE_SINK,
} from './pipelines/probe.js';
import type { AudioCodec, MediaInfo } from './pipelines/sources.js';
import { preflight } from './preflight.js';
import type { CameraSource, MediaErrorCode } from './protocol.js';

/** How long a sample may trail the bus's EOS (the pull runs on a pool thread of its own). */
const EOS_GRACE_MS = 1_000;
/** After the first video sample, how long an RTSP camera's audio may take to show (it comes with the video). */
const AUDIO_WAIT_MS = 400;

export type ProbeOutcome =
  { ok: true; info: MediaInfo } | { ok: false; code: MediaErrorCode; message: string };

export interface Probe {
  /** Settles once the pipeline is stopped and its threads released. */
  readonly result: Promise<ProbeOutcome>;
  /** Gives up early (the worker is stopping); `result` then settles with PIPELINE_ERROR. */
  cancel(): void;
}

/**
 * Learns a source's codec, size and rate from the caps of its first parsed sample. An RTSP source that never
 * finished opening within the deadline is UNREACHABLE; one that opened but sent no video is NO_VIDEO.
 */
export function startProbe(source: CameraSource, timeoutMs: number): Probe {
  let cancel: () => void = () => undefined;
  let cancelled = false;
  const isCancelled = (): boolean => cancelled;
  const result = (async (): Promise<ProbeOutcome> => {
    const problem = await preflight(source);
    if (problem !== null) return { ok: false, ...problem };
    if (source.kind === 'test') {
      return {
        ok: true,
        info: { codec: 'raw', width: source.width, height: source.height, fps: source.fps },
      };
    }
    const description = buildProbePipeline(source, timeoutMs);
    if (description === null || isCancelled())
      return { ok: false, code: 'PIPELINE_ERROR', message: 'cancelled' };
    return new Promise<ProbeOutcome>((resolve) => {
      let runner: PipelineRunner | null = null;
      let opened = false;
      let done = false;
      const finish = (outcome: ProbeOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (runner === null) resolve(outcome);
        else void runner.stop().then(() => resolve(outcome));
      };
      const timer = setTimeout(() => {
        finish(
          source.kind === 'rtsp' && !opened
            ? { ok: false, code: 'UNREACHABLE', message: `no answer from the camera within ${timeoutMs} ms` }
            : { ok: false, code: 'NO_VIDEO', message: `no video within ${timeoutMs} ms` },
        );
      }, timeoutMs);
      cancel = () => finish({ ok: false, code: 'PIPELINE_ERROR', message: 'cancelled' });
      try {
        runner = new PipelineRunner(description, (message) => {
          if (message.type === 'error') {
            const info = gstErrorInfo(message);
            finish({ ok: false, code: classifyGstError(info), message: describeGstError(info) });
          } else if (message.type === 'eos') {
            // A short file can reach EOS on the bus before the pull thread hands over the sample appsink still
            // holds (appsink gives queued samples before EOS): wait a moment for it before calling it empty.
            setTimeout(() => {
              finish({ ok: false, code: 'NO_VIDEO', message: 'the stream ended before any video' });
            }, EOS_GRACE_MS);
          } else if (
            message['name'] === 'GstMessageProgress' &&
            message['code'] === 'open' &&
            message.type === 'GST_PROGRESS_TYPE_COMPLETE'
          ) {
            opened = true;
          }
        });
        let audio: AudioCodec | null | undefined; // undefined until the audio stream shows (if it does)
        let video: MediaInfo | null = null;
        const answer = (info: MediaInfo) =>
          finish(
            isSupportedCodec(info.codec)
              ? { ok: true, info: { ...info, audio: audio ?? null } }
              : { ok: false, code: 'UNSUPPORTED_CODEC', message: `unsupported video codec ${info.codec}` },
          );
        runner.pull(PROBE_SINK, (_buffer, caps) => {
          const info = mediaInfoFromCaps(caps);
          if (info === null || video !== null) return;
          video = info;
          if (source.kind !== 'rtsp' || audio !== undefined) answer(info);
          else setTimeout(() => answer(info), AUDIO_WAIT_MS);
        });
        if (source.kind === 'rtsp')
          runner.pull(PROBE_AUDIO_SINK, (_buffer, caps) => {
            if (audio !== undefined) return;
            audio = audioCodecFromCaps(caps);
            if (video !== null) answer(video);
          });
        runner.play();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A parse error (a missing element) or a property the element lacks: the installation, not the camera.
        finish({ ok: false, code: 'PIPELINE_ERROR', message });
      }
    });
  })();
  return {
    result,
    cancel: () => {
      cancelled = true;
      cancel();
    },
  };
}

import type { MediaErrorCode } from './protocol.js';

/** The parts of a GStreamer error message the worker sees through gstreamer-superficial's bus poll. */
export interface GstErrorInfo {
  /** GError message, e.g. "Unauthorized" or "Resource not found.". */
  message: string;
  /** Debug text: source location, element path and detail, e.g. "…:\nUnauthorized (401)". */
  debug?: string;
  /** Serialized details structure, e.g. "details, rtsp-status-code=(uint)401, …". */
  details?: string;
}

/** The RTSP status in an rtspsrc error, from its details structure or its debug text. */
export function rtspStatus(info: GstErrorInfo): number | null {
  const fromDetails = /rtsp-status-code=\(uint\)(\d{3})/.exec(info.details ?? '');
  const fromDebug = /\((\d{3})\)\s*$/.exec(info.debug ?? '');
  const status = fromDetails?.[1] ?? fromDebug?.[1];
  return status === undefined ? null : Number(status);
}

/**
 * Maps a GStreamer error (as observed from rtspsrc, filesrc, v4l2src, decodebin and parsebin on GStreamer
 * 1.22) to the stable code the API shows. Anything unrecognised is a PIPELINE_ERROR.
 */
export function classifyGstError(info: GstErrorInfo): MediaErrorCode {
  const status = rtspStatus(info);
  if (status === 401 || status === 403) return 'AUTH_FAILED';
  if (status === 404) return 'NOT_FOUND';
  const text = `${info.message}\n${info.debug ?? ''}`;
  if (/Unauthorized|Forbidden|authenticat/i.test(text)) return 'AUTH_FAILED';
  if (
    /Resource not found|No such file|Cannot identify device|is a directory|is not a capture device/i.test(
      text,
    )
  ) {
    return 'NOT_FOUND';
  }
  if (
    /Failed to connect|Could not connect|Connection refused|Could not resolve|Could not open resource for reading and writing|timed out/i.test(
      text,
    )
  ) {
    return 'UNREACHABLE';
  }
  if (
    /missing a plug-in|Missing decoder|No decoder available|Could not determine type of stream|no suitable plugins|appears to be a text file|cannot parse/i.test(
      text,
    )
  ) {
    return 'UNSUPPORTED_CODEC';
  }
  if (/Could not receive any UDP packets|server closed the connection/i.test(text)) return 'NO_VIDEO';
  return 'PIPELINE_ERROR';
}

/**
 * A short, human-readable line for an error: the GError message plus the last line of the debug text when
 * it says something more ("Unauthorized (401)", 'No such file "/x.mp4"'); source paths are left out.
 */
export function describeGstError(info: GstErrorInfo): string {
  const last = (info.debug ?? '').trim().split('\n').pop()?.trim() ?? '';
  if (last === '' || /\(\):|\/Gst[A-Za-z]+:/.test(last) || last === info.message) return info.message;
  // "Unauthorized" + "Unauthorized (401)" reads best as the detail alone.
  return last.toLowerCase().startsWith(info.message.toLowerCase()) ? last : `${info.message} (${last})`;
}

/** The error fields of a bus message as gstreamer-superficial delivers them. */
export function gstErrorInfo(message: Readonly<Record<string, unknown>>): GstErrorInfo {
  const field = (key: string): string => {
    const value = message[key];
    return typeof value === 'string' ? value : '';
  };
  return { message: field('message') || 'GStreamer error', debug: field('debug'), details: field('details') };
}

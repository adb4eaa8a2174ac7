import { describe, expect, it } from 'vitest';
import { classifyGstError, describeGstError, gstErrorInfo, rtspStatus, type GstErrorInfo } from './errors.js';

// Bus errors as gstreamer-superficial delivered them from GStreamer 1.22 (Debian 12), except where noted.
const OBSERVED: Record<string, GstErrorInfo> = {
  rtsp401: {
    message: 'Unauthorized',
    debug:
      '../gst/rtsp/gstrtspsrc.c(6899): gst_rtspsrc_send (): /GstPipeline:pipeline0/GstRTSPSrc:src:\nUnauthorized (401)',
    details: 'details, rtsp-status-code=(uint)401, rtsp-status-reason=(string)Unauthorized;',
  },
  rtsp404: {
    message: 'Not found',
    debug:
      '../gst/rtsp/gstrtspsrc.c(6895): gst_rtspsrc_send (): /GstPipeline:pipeline0/GstRTSPSrc:src:\nNot Found (404)',
    details: 'details, rtsp-status-code=(uint)404, rtsp-status-reason=(string)"Not\\ Found";',
  },
  refused: {
    message: 'Could not open resource for reading and writing.',
    debug:
      '../gst/rtsp/gstrtspsrc.c(8336): gst_rtspsrc_retrieve_sdp (): /GstPipeline:pipeline0/GstRTSPSrc:src:\nFailed to connect. (Generic error)',
  },
  noFile: {
    message: 'Resource not found.',
    debug:
      '../plugins/elements/gstfilesrc.c(553): gst_file_src_start (): /GstPipeline:pipeline0/GstFileSrc:src:\nNo such file "/nonexistent/file.mp4"',
  },
  directory: {
    message: '"/tmp/exp" is a directory.',
    debug:
      '../plugins/elements/gstfilesrc.c(572): gst_file_src_start (): /GstPipeline:pipeline0/GstFileSrc:src',
  },
  noDevice: {
    message: "Cannot identify device '/dev/video0'.",
    debug:
      '../sys/v4l2/v4l2_calls.c(608): gst_v4l2_open (): /GstPipeline:pipeline0/GstV4l2Src:v4l2src0:\nsystem error: No such file or directory',
  },
  notVideo: {
    message: 'Could not determine type of stream.',
    debug:
      '../plugins/elements/gsttypefindelement.c(1186): gst_type_find_element_loop (): /GstPipeline:pipeline0/GstParseBin:parsebin0/GstTypeFindElement:typefind',
  },
  textFile: {
    message: 'This appears to be a text file',
    debug:
      '../gst/playback/gstparsebin.c(2394): type_found (): /GstPipeline:pipeline0/GstParseBin:parsebin0:\nParseBin cannot parse plain text files',
  },
  missingDecoder: {
    message: 'Your GStreamer installation is missing a plug-in.',
    debug:
      '../gst/playback/gstdecodebin2.c(4704): gst_decode_bin_expose (): /GstPipeline:pipeline0/GstDecodeBin:decodebin0:\nno suitable plugins found:\nMissing decoder: video/x-weird (video/x-weird)\n',
  },
  // Not observed (it needs UDP blocked between camera and worker): the text of gst_rtspsrc_reconnect in 1.22.
  udpTimeout: {
    message: 'Could not read from resource.',
    debug:
      '../gst/rtsp/gstrtspsrc.c(5900): gst_rtspsrc_reconnect (): /GstPipeline:pipeline0/GstRTSPSrc:src:\nCould not receive any UDP packets for 5.0000 seconds, maybe your firewall is blocking it. No other protocols to try.',
  },
  flow: {
    message: 'Internal data stream error.',
    debug:
      '../plugins/elements/gsttypefindelement.c(1257): gst_type_find_element_loop (): /GstPipeline:pipeline0/GstDecodeBin:decodebin0/GstTypeFindElement:typefind:\nstreaming stopped, reason error (-5)',
    details: 'details, flow-return=(int)-5;',
  },
};

describe('classifyGstError', () => {
  it.each([
    ['rtsp401', 'AUTH_FAILED'],
    ['rtsp404', 'NOT_FOUND'],
    ['refused', 'UNREACHABLE'],
    ['noFile', 'NOT_FOUND'],
    ['directory', 'NOT_FOUND'],
    ['noDevice', 'NOT_FOUND'],
    ['notVideo', 'UNSUPPORTED_CODEC'],
    ['textFile', 'UNSUPPORTED_CODEC'],
    ['missingDecoder', 'UNSUPPORTED_CODEC'],
    ['udpTimeout', 'NO_VIDEO'],
    ['flow', 'PIPELINE_ERROR'],
  ])('%s → %s', (key, code) => {
    expect(classifyGstError(OBSERVED[key]!)).toBe(code);
  });

  it('reads the RTSP status from details or, failing that, from the debug text', () => {
    expect(rtspStatus(OBSERVED['rtsp401']!)).toBe(401);
    expect(rtspStatus({ message: 'Forbidden', debug: 'x:\nForbidden (403)' })).toBe(403);
    expect(classifyGstError({ message: 'Forbidden', debug: 'x:\nForbidden (403)' })).toBe('AUTH_FAILED');
    expect(rtspStatus(OBSERVED['refused']!)).toBeNull();
  });
});

describe('describeGstError', () => {
  it('adds the last debug line when it says more, and drops source locations', () => {
    expect(describeGstError(OBSERVED['rtsp401']!)).toBe('Unauthorized (401)');
    expect(describeGstError(OBSERVED['refused']!)).toBe(
      'Could not open resource for reading and writing. (Failed to connect. (Generic error))',
    );
    expect(describeGstError(OBSERVED['noFile']!)).toBe(
      'Resource not found. (No such file "/nonexistent/file.mp4")',
    );
    expect(describeGstError(OBSERVED['notVideo']!)).toBe('Could not determine type of stream.');
  });

  it('takes its fields from a bus message', () => {
    expect(gstErrorInfo({ type: 'error', message: 'm', debug: 'd', details: 42 })).toEqual({
      message: 'm',
      debug: 'd',
      details: '',
    });
    expect(gstErrorInfo({ type: 'error' }).message).toBe('GStreamer error');
  });
});

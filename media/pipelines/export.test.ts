import { describe, expect, it } from 'vitest';
import { parseExportRequest } from '../export-protocol.js';
import { buildExportPipeline, EXPORT_MUXER, EXPORT_SINK } from './export.js';
import { toLaunchString } from './spec.js';

describe('export pipeline', () => {
  it('remuxes stdin into an MP4 without decoding, the paths set as properties', () => {
    const description = buildExportPipeline('/vault/.exports/a b;!.mp4.partial', '/vault/.exports/a.mdat');
    const launch = toLaunchString(description);
    expect(launch).toBe(
      'fdsrc fd=0 ! video/mpegts,systemstream=true,packetsize=188 ! tsdemux name=demux ! ' +
        'queue max-size-buffers=0 max-size-bytes=0 max-size-time=5000000000 ! h264parse ! ' +
        'video/x-h264,stream-format=avc,alignment=au ! mp4mux name=mux faststart=true ! ' +
        'filesink name=sink sync=false async=false',
    );
    expect(launch).not.toMatch(/dec|enc|vault/);
    expect(description.properties).toEqual([
      { element: EXPORT_MUXER, property: 'faststart-file', value: '/vault/.exports/a.mdat' },
      { element: EXPORT_SINK, property: 'location', value: '/vault/.exports/a b;!.mp4.partial' },
    ]);
  });

  it('links the audio to the muxer only when the segments carry it', () => {
    const launch = toLaunchString(buildExportPipeline('/v/a.mp4.partial', '/v/a.mdat', true));
    expect(launch).toContain(
      ' demux. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=5000000000 ! aacparse ! ' +
        'audio/mpeg,mpegversion=4,stream-format=raw ! mux.audio_%u',
    );
    expect(toLaunchString(buildExportPipeline('/v/a.mp4.partial', '/v/a.mdat'))).not.toContain('aacparse');
  });
});

describe('export request', () => {
  it('takes two absolute paths and refuses anything else', () => {
    const good = {
      type: 'export',
      output: '/v/.exports/x.mp4.partial',
      faststartFile: '/v/.exports/x.mdat',
      audio: false,
    };
    expect(parseExportRequest(good)).toEqual(good);
    expect(parseExportRequest({ ...good, audio: true }).audio).toBe(true);
    for (const bad of [
      null,
      { ...good, type: 'thumbnail' },
      { ...good, output: 'relative.mp4' },
      { ...good, faststartFile: '/v/x\n.mdat' },
      { ...good, output: 42 },
      { ...good, audio: 'yes' },
    ])
      expect(() => parseExportRequest(bad)).toThrow();
  });
});

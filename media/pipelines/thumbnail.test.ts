import { describe, expect, it } from 'vitest';
import { toLaunchString } from './spec.js';
import { buildThumbnailPipeline } from './thumbnail.js';

describe('buildThumbnailPipeline', () => {
  it('decodes a segment’s first picture to a JPEG of the asked width, the shape kept', () => {
    const description = buildThumbnailPipeline('/vault/recordings/1/2026-12-10/1-s-1.ts', 320);
    expect(toLaunchString(description)).toBe(
      'filesrc name=src ! tsdemux ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! ' +
        'avdec_h264 max-threads=1 output-corrupt=false ! videoscale ! videoconvert ! ' +
        'video/x-raw,format=I420,width=320,pixel-aspect-ratio=1/1 ! jpegenc quality=75 ! ' +
        'appsink name=thumb sync=false async=false drop=false max-buffers=1 enable-last-sample=false',
    );
  });

  it('sets the path as a property after parsing, whatever it holds', () => {
    const input = '/vault/a b/x ! filesink location=/etc/passwd "quoted".ts';
    const description = buildThumbnailPipeline(input, 160);
    expect(toLaunchString(description)).not.toContain('passwd');
    expect(description.properties).toEqual([{ element: 'src', property: 'location', value: input }]);
  });
});

import { describe, expect, it } from 'vitest';
import { caps, el, fraction, InvalidPipelineSpecError, ref, secretsOf, toLaunchString } from './spec.js';

describe('toLaunchString', () => {
  it('joins nodes with ! and chains with spaces', () => {
    const launch = toLaunchString({
      chains: [
        [el('videotestsrc', { 'is-live': true, pattern: 'ball' }, 'src'), el('tee', {}, 't')],
        [ref('t'), el('queue', { 'max-size-time': 2e9 }), el('fakesink')],
        [ref('t'), caps('video/x-raw', { width: 640, framerate: fraction(30000, 1001) }), el('fakesink')],
      ],
    });
    expect(launch).toBe(
      'videotestsrc name=src is-live=true pattern=ball ! tee name=t ' +
        't. ! queue max-size-time=2000000000 ! fakesink ' +
        't. ! video/x-raw,width=640,framerate=30000/1001 ! fakesink',
    );
  });

  it('ends a chain on a named pad, and refuses a pad name that is not one', () => {
    const launch = toLaunchString({
      chains: [
        [el('audiotestsrc'), el('queue'), ref('rec', 'audio_%u')],
        [el('videotestsrc'), el('splitmuxsink', {}, 'rec')],
      ],
    });
    expect(launch).toBe('audiotestsrc ! queue ! rec.audio_%u videotestsrc ! splitmuxsink name=rec');
    for (const pad of ['audio_%u ! filesrc', 'Audio', 'a.b', '%s'])
      expect(() => toLaunchString({ chains: [[el('queue'), ref('rec', pad)]] }), pad).toThrow(
        InvalidPipelineSpecError,
      );
  });

  it('renders negative and fractional numbers without exponents', () => {
    expect(toLaunchString({ chains: [[el('x264enc', { 'config-interval': -1, quantizer: 0.5 })]] })).toBe(
      'x264enc config-interval=-1 quantizer=0.500000',
    );
  });

  it.each([
    ['a factory name with a space', [el('fakesink ! filesrc', {})]],
    ['an element name with a quote', [el('fakesink', {}, 'a"b')]],
    [
      'a property value with launch syntax',
      [el('fakesink', { 'last-message': 'x ! filesink location=/etc/x' })],
    ],
    ['a property value that is a path', [el('filesrc', { location: '/etc/passwd' })]],
    ['a property value that is a URL', [el('rtspsrc', { location: 'rtsp://cam/stream' })]],
    ['a property named name', [el('fakesink', { name: 'x' })]],
    ['a caps field with a comma', [caps('video/x-raw', { format: 'I420,width=1' })]],
    ['a media type with a space', [caps('video/x-raw framerate', {})]],
    ['a reference with a dot', [ref('t.x')]],
    ['an infinite number', [el('queue', { 'max-size-time': Infinity })]],
    ['a bad fraction', [caps('video/x-raw', { framerate: fraction(1, 0) })]],
    ['an empty chain', []],
  ])('refuses %s', (_what, chain) => {
    expect(() => toLaunchString({ chains: [chain] })).toThrow(InvalidPipelineSpecError);
  });
});

describe('secretsOf', () => {
  it('lists only string values marked secret', () => {
    expect(
      secretsOf({
        properties: [
          { element: 'src', property: 'location', value: 'rtsp://cam' },
          { element: 'src', property: 'user-id', value: 'admin', secret: true },
          { element: 'src', property: 'user-pw', value: 'hunter2', secret: true },
        ],
      }),
    ).toEqual(['admin', 'hunter2']);
  });
});

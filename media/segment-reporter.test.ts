import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusMessage } from './gst/binding.js';
import type { SegmentMessage } from './protocol.js';
import { fragmentEvent, SegmentReporter } from './segment-reporter.js';

/** One TS packet holding a PES packet whose access unit is an IDR slice: a file with one keyframe. */
const ONE_KEYFRAME = [0x47, 0x40, 0x41, 0x10, 0, 0, 1, 0xe0, 0, 0, 0x80, 0, 0, 0, 0, 0, 1, 0x65];
const tsPacket = (): Uint8Array => {
  const bytes = new Uint8Array(188).fill(0x11);
  bytes.set(ONE_KEYFRAME);
  return bytes;
};

const fragment = (kind: 'opened' | 'closed', location: string, ms: number, element = 'rec'): BusMessage => ({
  type: 'element',
  name: `splitmuxsink-fragment-${kind}`,
  location,
  'running-time': String(ms * 1e6),
  sink: '(GstFileSink) sink',
  _src_element_name: element,
});

describe('fragmentEvent', () => {
  it('reads splitmuxsink messages from the named element, running time from its guint64 string', () => {
    expect(fragmentEvent(fragment('opened', '/c/00000000.ts', 5), 'rec')).toEqual({
      kind: 'opened',
      location: '/c/00000000.ts',
      runningTimeNs: 5e6,
    });
    expect(fragmentEvent(fragment('closed', '/c/00000000.ts', 2005), 'rec')).toMatchObject({
      kind: 'closed',
    });
  });

  it('ignores everything else', () => {
    const state: BusMessage = {
      type: 'state-changed',
      name: 'GstMessageStateChanged',
      _src_element_name: 'rec',
    };
    expect(fragmentEvent(state, 'rec')).toBeNull();
    expect(fragmentEvent(fragment('opened', '/c/a.ts', 5, 'other'), 'rec')).toBeNull();
    expect(
      fragmentEvent({ ...fragment('opened', '/c/a.ts', 5), name: 'GstMultiFileSink' }, 'rec'),
    ).toBeNull();
    expect(fragmentEvent({ ...fragment('opened', '/c/a.ts', 5), 'running-time': 'x' }, 'rec')).toBeNull();
  });
});

describe('SegmentReporter', () => {
  let dir: string;
  let clock: number;
  let sent: SegmentMessage[];
  let unreadable: string[];
  let reporter: SegmentReporter;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-segments-'));
    clock = 1_000_000;
    sent = [];
    unreadable = [];
    reporter = new SegmentReporter(
      'rec',
      (message) => sent.push(message),
      (file) => unreadable.push(file),
      () => clock,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, packets: number): string => {
    const full = path.join(dir, name);
    writeFileSync(full, Buffer.concat(Array.from({ length: packets }, tsPacket)));
    return full;
  };

  it('reports each closed file in order, on one timeline that a clock step does not move', async () => {
    const a = file('00000000.ts', 3);
    const b = file('00000001.ts', 1);
    expect(reporter.onMessage(fragment('opened', a, 5))).toBe(true);
    clock += 3_600_000; // NTP steps the wall clock an hour forward
    reporter.onMessage(fragment('closed', a, 2005.4));
    reporter.onMessage(fragment('opened', b, 2005.4));
    reporter.onMessage(fragment('closed', b, 4010));
    await reporter.drained();
    expect(sent).toEqual([
      {
        type: 'segment',
        path: a,
        sequence: 0,
        startedAt: 1_000_000,
        durationMs: 2000,
        bytes: 564,
        keyframes: 3,
      },
      {
        type: 'segment',
        path: b,
        sequence: 1,
        startedAt: 1_002_000,
        durationMs: 2005,
        bytes: 188,
        keyframes: 1,
      },
    ]);
    expect(unreadable).toEqual([]);
  });

  it('leaves the open file unreported and ignores a close it saw no open for', async () => {
    const a = file('00000000.ts', 1);
    reporter.onMessage(fragment('closed', a, 2000));
    reporter.onMessage(fragment('opened', a, 2000));
    reporter.onMessage(fragment('closed', path.join(dir, 'other.ts'), 4000));
    await reporter.drained();
    expect(sent).toEqual([]);
  });

  it('reports a file that vanished before it was read, and keeps its sequence number taken', async () => {
    const gone = path.join(dir, '00000000.ts');
    const b = file('00000001.ts', 1);
    reporter.onMessage(fragment('opened', gone, 0));
    reporter.onMessage(fragment('closed', gone, 2000));
    reporter.onMessage(fragment('opened', b, 2000));
    reporter.onMessage(fragment('closed', b, 4000));
    await reporter.drained();
    expect(unreadable).toEqual([gone]);
    expect(sent.map((m) => [m.path, m.sequence])).toEqual([[b, 1]]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  answerAsDtlsServer,
  CandidateQueue,
  EarlyCandidates,
  endReasonProblem,
  endReasonKind,
  IDLE_VIEWER,
  MAX_QUEUED_CANDIDATES,
  MAX_TRANSPORT_FAILURES,
  nextRetryDelayMs,
  nextViewerState,
  retryDelayMs,
  toWireCandidate,
  viewerDisplay,
  watchErrorKind,
  type FailureKind,
  type ViewerEvent,
  type ViewerState,
} from './webrtc-viewer';

const problem = { code: 'X', message: 'x' };
const fail = (kind: FailureKind): ViewerEvent => ({ type: 'fail', kind, problem });
const run = (events: ViewerEvent[], from: ViewerState = IDLE_VIEWER) => events.reduce(nextViewerState, from);

describe('retryDelayMs', () => {
  it('starts at one second and doubles up to ten', () => {
    expect([0, 1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('stays capped after a very long outage and never goes below the base', () => {
    expect(retryDelayMs(10_000)).toBe(10_000);
    expect(retryDelayMs(-1)).toBe(1000);
  });
});

describe('nextViewerState', () => {
  it('goes idle → connecting → live', () => {
    const connecting = run([{ type: 'start' }]);
    expect(connecting.phase).toBe('connecting');
    expect(run([{ type: 'media' }], connecting)).toEqual({
      phase: 'live',
      failures: 0,
      transportFailures: 0,
      problem: null,
      fallback: false,
    });
  });

  it('ignores media before the start and after a stop', () => {
    expect(run([{ type: 'media' }]).phase).toBe('idle');
    expect(run([{ type: 'start' }, { type: 'stop' }, { type: 'media' }]).phase).toBe('idle');
  });

  it('retries with growing back-off, and a success resets it', () => {
    const once = run([{ type: 'start' }, fail('restart')]);
    expect(once).toMatchObject({ phase: 'retrying', failures: 1, problem });
    expect(nextRetryDelayMs(once)).toBe(1000);
    const thrice = run([{ type: 'retry' }, fail('offline'), { type: 'retry' }, fail('restart')], once);
    expect(thrice.failures).toBe(3);
    expect(nextRetryDelayMs(thrice)).toBe(4000);
    const live = run([{ type: 'retry' }, { type: 'media' }], thrice);
    expect(live).toMatchObject({ phase: 'live', failures: 0, problem: null });
  });

  it('retries a live session that drops', () => {
    const live = run([{ type: 'start' }, { type: 'media' }]);
    expect(run([fail('restart')], live)).toMatchObject({ phase: 'retrying', failures: 1 });
    expect(run([fail('transport')], live)).toMatchObject({ phase: 'retrying', transportFailures: 1 });
  });

  it('only leaves retrying when the back-off is over', () => {
    const retrying = run([{ type: 'start' }, fail('restart')]);
    expect(run([{ type: 'media' }], retrying).phase).toBe('retrying');
    expect(run([{ type: 'retry' }], retrying).phase).toBe('connecting');
    expect(run([{ type: 'retry' }], run([{ type: 'start' }])).phase).toBe('connecting');
  });

  it('falls back to MJPEG after repeated transport failures', () => {
    const events: ViewerEvent[] = [{ type: 'start' }];
    for (let i = 0; i < MAX_TRANSPORT_FAILURES - 1; i += 1) events.push(fail('transport'), { type: 'retry' });
    const almost = run(events);
    expect(almost.phase).toBe('connecting');
    const given = run([fail('transport')], almost);
    expect(given).toMatchObject({
      phase: 'failed',
      fallback: true,
      transportFailures: MAX_TRANSPORT_FAILURES,
    });
    expect(viewerDisplay(given)).toBe('mjpeg');
  });

  it('does not count restarts or an offline camera towards the fallback', () => {
    const events: ViewerEvent[] = [{ type: 'start' }];
    for (let i = 0; i < 10; i += 1) events.push(fail(i % 2 === 0 ? 'offline' : 'restart'), { type: 'retry' });
    expect(run(events)).toMatchObject({ phase: 'connecting', transportFailures: 0, failures: 10 });
  });

  it('gives up at once on fatal errors, and falls back when WebRTC is missing', () => {
    const fatal = run([{ type: 'start' }, fail('fatal')]);
    expect(fatal).toMatchObject({ phase: 'failed', fallback: false, problem });
    expect(viewerDisplay(fatal)).toBe('failed');
    const unsupported = run([{ type: 'start' }, fail('fallback')]);
    expect(viewerDisplay(unsupported)).toBe('mjpeg');
  });

  it('ignores late failures once failed or stopped, and starts afresh on start', () => {
    const fatal = run([{ type: 'start' }, fail('fatal')]);
    expect(run([fail('transport')], fatal)).toBe(fatal);
    expect(run([fail('transport')])).toBe(IDLE_VIEWER);
    expect(run([{ type: 'start' }], fatal)).toEqual({ ...IDLE_VIEWER, phase: 'connecting' });
  });
});

describe('viewerDisplay', () => {
  it('maps phases to what a tile shows', () => {
    expect(viewerDisplay(IDLE_VIEWER)).toBe('connecting');
    expect(viewerDisplay(run([{ type: 'start' }]))).toBe('connecting');
    expect(viewerDisplay(run([{ type: 'start' }, { type: 'media' }]))).toBe('live');
    expect(viewerDisplay(run([{ type: 'start' }, fail('restart')]))).toBe('retrying');
  });
});

describe('failure classification', () => {
  it('classifies live.watch errors', () => {
    expect(watchErrorKind('CAMERA_OFFLINE')).toBe('offline');
    expect(watchErrorKind('LIVE_DISCONNECTED')).toBe('restart');
    expect(watchErrorKind('TOO_MANY_STREAMS')).toBe('fallback');
    expect(watchErrorKind('CAMERA_NOT_FOUND')).toBe('fatal');
    expect(watchErrorKind('FORBIDDEN')).toBe('fatal');
    expect(watchErrorKind('SFU_UNAVAILABLE')).toBe('transport');
    expect(watchErrorKind('TIMEOUT')).toBe('transport');
    expect(watchErrorKind('SOMETHING_NEW')).toBe('transport');
  });

  it('classifies live.ended reasons', () => {
    expect(endReasonKind('camera-removed')).toBe('removed');
    expect(endReasonKind('sfu-restarted')).toBe('restart');
    expect(endReasonKind('stopped')).toBe('restart');
    expect(endReasonKind('hangup')).toBe('transport');
    expect(endReasonKind('error')).toBe('transport');
  });
});

describe('CandidateQueue', () => {
  const c = (n: number) => ({ candidate: `candidate:${n}`, sdpMid: '0', sdpMLineIndex: 0 });

  it('holds candidates until opened, then hands them out in order and passes later ones through', () => {
    const queue = new CandidateQueue();
    expect(queue.add(c(1))).toEqual([]);
    expect(queue.add(c(2))).toEqual([]);
    expect(queue.open()).toEqual([c(1), c(2)]);
    expect(queue.add(c(3))).toEqual([c(3)]);
    expect(queue.add(null)).toEqual([null]);
    expect(queue.open()).toEqual([]);
  });

  it('keeps the end-of-candidates marker in its place', () => {
    const queue = new CandidateQueue();
    queue.add(c(1));
    queue.add(null);
    expect(queue.open()).toEqual([c(1), null]);
  });

  it('holds again after a reset', () => {
    const queue = new CandidateQueue();
    queue.open();
    queue.reset();
    expect(queue.add(c(1))).toEqual([]);
    expect(queue.open()).toEqual([c(1)]);
  });

  it('is bounded and counts what it dropped', () => {
    const queue = new CandidateQueue();
    for (let i = 0; i < MAX_QUEUED_CANDIDATES + 5; i += 1) queue.add(c(i));
    expect(queue.dropped).toBe(5);
    const held = queue.open();
    expect(held).toHaveLength(MAX_QUEUED_CANDIDATES);
    expect(held[0]).toEqual(c(0));
  });
});

describe('toWireCandidate', () => {
  it('keeps the fields the protocol carries and leaves out absent ones', () => {
    expect(
      toWireCandidate({ candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' }),
    ).toEqual({
      candidate: 'candidate:1',
      sdpMid: '0',
      sdpMLineIndex: 0,
    });
    expect(toWireCandidate({ candidate: 'candidate:2', sdpMid: null })).toEqual({
      candidate: 'candidate:2',
      sdpMid: null,
    });
    expect(toWireCandidate({})).toEqual({ candidate: '' });
  });
});

describe('endReasonProblem', () => {
  it("prefers the server's message and words the rest", () => {
    expect(endReasonProblem('error', ' Janus said no. ')).toEqual({
      code: 'error',
      message: 'Janus said no.',
    });
    expect(endReasonProblem('sfu-restarted').message).toMatch(/restarted/);
    expect(endReasonProblem('hangup', '').message).toMatch(/lost/);
  });
});

describe('EarlyCandidates', () => {
  const c = (n: number) => ({ candidate: `candidate:${n}`, sdpMid: 'v', sdpMLineIndex: 0 });

  it("hands a session its candidates that arrived before its offer, and forgets the others'", () => {
    const early = new EarlyCandidates();
    early.hold('other', c(9));
    early.hold('mine', c(1));
    early.hold('mine', null);
    expect(early.claim('mine')).toEqual([c(1), null]);
    expect(early.claim('other')).toEqual([]);
  });

  it('is bounded', () => {
    const early = new EarlyCandidates();
    for (let i = 0; i < MAX_QUEUED_CANDIDATES + 3; i += 1) early.hold('s', c(i));
    expect(early.claim('s')).toHaveLength(MAX_QUEUED_CANDIDATES);
  });
});

describe('answerAsDtlsServer', () => {
  it("turns the answer's active DTLS role into passive on every media section, and nothing else", () => {
    const sdp = [
      'v=0',
      'a=group:BUNDLE 0 1',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=setup:active',
      'a=x-note:a=setup:active stays',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=setup:active',
      '',
    ].join('\r\n');
    const answered = answerAsDtlsServer(sdp);
    expect(answered.match(/^a=setup:passive\r$/gm)).toHaveLength(2);
    expect(answered).not.toMatch(/^a=setup:active/m);
    expect(answered).toContain('a=x-note:a=setup:active stays');
    expect(answered.replaceAll('a=setup:passive', 'a=setup:active')).toBe(sdp);
  });

  it('leaves an answer that is already passive, or has no role, as it is', () => {
    expect(answerAsDtlsServer('a=setup:passive\n')).toBe('a=setup:passive\n');
    expect(answerAsDtlsServer('v=0\r\n')).toBe('v=0\r\n');
  });
});

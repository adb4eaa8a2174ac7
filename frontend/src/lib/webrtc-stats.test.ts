import { describe, expect, it } from 'vitest';
import { summarizeStats } from './webrtc-stats';

const inbound = {
  id: 'IT01V',
  type: 'inbound-rtp',
  kind: 'video',
  timestamp: 10_000,
  framesPerSecond: 29.5,
  framesDecoded: 300,
  jitter: 0.004,
  packetsLost: 2,
  frameWidth: 1280,
  frameHeight: 720,
};

describe('summarizeStats', () => {
  it("reads Chrome's report: inbound video plus the transport's selected pair", () => {
    const { stats, sample } = summarizeStats([
      { id: 'IT01A', type: 'inbound-rtp', kind: 'audio', jitter: 1, packetsLost: 99 },
      inbound,
      { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP2' },
      { id: 'CP1', type: 'candidate-pair', currentRoundTripTime: 0.5 },
      { id: 'CP2', type: 'candidate-pair', currentRoundTripTime: 0.012 },
    ]);
    expect(stats).toEqual({
      fps: 29.5,
      jitterMs: 4,
      packetsLost: 2,
      rttMs: 12,
      frameWidth: 1280,
      frameHeight: 720,
    });
    expect(sample).toEqual({ timestamp: 10_000, framesDecoded: 300 });
  });

  it('finds a pair flagged as selected or nominated when the transport does not say', () => {
    expect(
      summarizeStats([
        inbound,
        { id: 'CP', type: 'candidate-pair', selected: true, currentRoundTripTime: 0.02 },
      ]).stats.rttMs,
    ).toBe(20);
    expect(
      summarizeStats([
        inbound,
        { id: 'CP0', type: 'candidate-pair', nominated: true, state: 'failed', currentRoundTripTime: 9 },
        {
          id: 'CP1',
          type: 'candidate-pair',
          nominated: true,
          state: 'succeeded',
          currentRoundTripTime: 0.03,
        },
      ]).stats.rttMs,
    ).toBe(30);
  });

  it('computes fps from decoded frames when the browser does not report it', () => {
    const noRate = { ...inbound, framesPerSecond: undefined };
    const first = summarizeStats([noRate]);
    expect(first.stats.fps).toBeNull();
    const second = summarizeStats([{ ...noRate, timestamp: 12_000, framesDecoded: 350 }], first.sample);
    expect(second.stats.fps).toBe(25);
  });

  it('reports nothing it does not know', () => {
    expect(summarizeStats([]).stats).toEqual({
      fps: null,
      jitterMs: null,
      packetsLost: null,
      rttMs: null,
      frameWidth: null,
      frameHeight: null,
    });
    expect(summarizeStats([{ ...inbound, jitter: 'x', packetsLost: Number.NaN }]).stats).toMatchObject({
      jitterMs: null,
      packetsLost: null,
    });
  });
});

// Reads the few numbers the stats overlay shows out of an RTCStatsReport. Pure, over plain records, so it is
// testable without a browser and tolerant of fields a browser does not fill in.

/** What the overlay shows about one received video stream; null where the browser did not say. */
export interface ViewerStats {
  /** Frames decoded per second. */
  fps: number | null;
  /** Inter-arrival jitter, in milliseconds. */
  jitterMs: number | null;
  /** Packets lost since the session began. */
  packetsLost: number | null;
  /** Round-trip time of the selected candidate pair, in milliseconds. */
  rttMs: number | null;
  /** Decoded frame size, when the browser reports it. */
  frameWidth: number | null;
  frameHeight: number | null;
}

/** What the next summary needs from this one to compute a rate the browser does not report. */
export interface StatsSample {
  /** The report's timestamp, in milliseconds. */
  timestamp: number;
  framesDecoded: number;
}

type Stat = Record<string, unknown>;

const num = (stat: Stat | undefined, key: string): number | null => {
  const value = stat?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

function isVideoInbound(stat: Stat): boolean {
  return stat['type'] === 'inbound-rtp' && (stat['kind'] ?? stat['mediaType']) === 'video';
}

function selectedPair(stats: readonly Stat[]): Stat | undefined {
  const byId = new Map(stats.map((stat) => [stat['id'], stat]));
  // Chrome and Firefox name the selected pair on the transport; older ones only flag it on the pair.
  for (const stat of stats) {
    if (stat['type'] === 'transport' && typeof stat['selectedCandidatePairId'] === 'string') {
      const pair = byId.get(stat['selectedCandidatePairId']);
      if (pair) return pair;
    }
  }
  return stats.find(
    (stat) =>
      stat['type'] === 'candidate-pair' &&
      (stat['selected'] === true || (stat['nominated'] === true && stat['state'] === 'succeeded')),
  );
}

/** Summarises `report` (the values of an RTCStatsReport); `previous` lets it compute fps when not reported. */
export function summarizeStats(
  report: Iterable<Stat>,
  previous: StatsSample | null = null,
): { stats: ViewerStats; sample: StatsSample | null } {
  const stats = [...report];
  const video = stats.find(isVideoInbound);
  const pair = selectedPair(stats);

  const framesDecoded = num(video, 'framesDecoded');
  const timestamp = num(video, 'timestamp');
  const sample = framesDecoded !== null && timestamp !== null ? { timestamp, framesDecoded } : null;

  let fps = num(video, 'framesPerSecond');
  if (fps === null && sample !== null && previous !== null && sample.timestamp > previous.timestamp) {
    fps = ((sample.framesDecoded - previous.framesDecoded) * 1000) / (sample.timestamp - previous.timestamp);
  }
  const jitter = num(video, 'jitter');
  const rtt = num(pair, 'currentRoundTripTime');

  return {
    stats: {
      fps: fps === null ? null : Math.max(0, fps),
      // The spec reports both in seconds.
      jitterMs: jitter === null ? null : jitter * 1000,
      packetsLost: num(video, 'packetsLost'),
      rttMs: rtt === null ? null : rtt * 1000,
      frameWidth: num(video, 'frameWidth'),
      frameHeight: num(video, 'frameHeight'),
    },
    sample,
  };
}

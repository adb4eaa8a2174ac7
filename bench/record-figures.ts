import { interpolate } from './record-measure.js';

/** The recording bench's arithmetic on what it sampled: write amplification and the CPU table's figures. */

/** A kept segment as GET /api/recordings lists it. */
export interface KeptSegment {
  id: number;
  startedAt: number;
  endedAt: number;
  bytes: number;
}

/** One camera connection's bytes_received, sampled over time. */
export interface Connection {
  cameraId: number;
  series: [number, number][];
}

/**
 * Kept file bytes against the RTSP bytes received for the same stretch of video: each segment fully inside a
 * sampled connection of its camera counts, with what that connection received from the segment's start to its
 * end (interpolated between samples). A camera's segments follow each other without gaps, so the sum comes down
 * to the two ends of each run: how far the segments' clock sits from the packets' arrival (jitter buffer, GOP
 * queueing) moves both ends alike and cancels but for the difference in bitrate at the two ends.
 */
export function containerRatio(
  segments: ReadonlyMap<number, readonly KeptSegment[]>,
  connections: readonly Connection[],
): { kept: number; received: number; segments: number; seconds: number } {
  let kept = 0;
  let received = 0;
  let counted = 0;
  let ms = 0;
  for (const [cameraId, list] of segments)
    for (const segment of list) {
      for (const connection of connections) {
        if (connection.cameraId !== cameraId) continue;
        const start = interpolate(connection.series, segment.startedAt);
        const end = interpolate(connection.series, segment.endedAt);
        if (start === null || end === null) continue;
        kept += segment.bytes;
        received += end - start;
        counted += 1;
        ms += segment.endedAt - segment.startedAt;
        break;
      }
    }
  return { kept, received, segments: counted, seconds: ms / 1000 };
}

export interface PhaseCpu {
  mode: 'off' | 'continuous';
  /** % of one core over the window: the server process, its camera workers (summed), Janus, the rest. */
  server: number;
  workers: number;
  janus: number;
  other: number;
  /** The RTSP server (the cameras' side) and the whole machine (% of all cores). */
  cameras: number;
  machine: number;
  seconds: number;
  /** Processes that ended inside the window (a worker restart): the figures are then not comparable. */
  lost: number;
  /** % of one core by thread name, summed over the workers; and the server process's own threads. */
  threads: Map<string, number>;
  serverThreads: Map<string, number>;
  /** What else ran on the machine in the window (not Vigil, not the RTSP server). */
  elsewhere: { total: number; busiest: string[] };
}

const pct = (value: number) => `${value.toFixed(1)} %`;
const meanOf = (phases: readonly PhaseCpu[], mode: PhaseCpu['mode'], pick: (p: PhaseCpu) => number) => {
  const of = phases.filter((p) => p.mode === mode);
  return of.reduce((sum, p) => sum + pick(p), 0) / Math.max(1, of.length);
};

/** What recording costs per camera: (server + workers) / cameras, continuous against live-only. */
export function perCamera(phases: readonly PhaseCpu[], cameras: number) {
  const vigil = (p: PhaseCpu) => (p.server + p.workers) / cameras;
  const live = meanOf(phases, 'off', vigil);
  const recording = meanOf(phases, 'continuous', vigil);
  return {
    live,
    recording,
    added: recording - live,
    ratio: recording / live,
    workers: {
      live: meanOf(phases, 'off', (p) => p.workers / cameras),
      recording: meanOf(phases, 'continuous', (p) => p.workers / cameras),
    },
    server: {
      live: meanOf(phases, 'off', (p) => p.server),
      recording: meanOf(phases, 'continuous', (p) => p.server),
    },
  };
}

/** The CPU part of the report: every window, the per-camera figure and where the workers' time goes. */
export function cpuLines(phases: readonly PhaseCpu[], cameras: number): string[] {
  const costs = perCamera(phases, cameras);
  const busiest = (of: (p: PhaseCpu) => Map<string, number>, divisor: number, top: number) =>
    [...new Set(phases.flatMap((p) => [...of(p).keys()]))]
      .map((name) => ({
        name,
        live: meanOf(phases, 'off', (p) => (of(p).get(name) ?? 0) / divisor),
        recording: meanOf(phases, 'continuous', (p) => (of(p).get(name) ?? 0) / divisor),
      }))
      .sort((a, b) => Math.max(b.live, b.recording) - Math.max(a.live, a.recording))
      .slice(0, top)
      .map((t) => `  ${t.name.padEnd(16)} ${pct(t.live).padStart(7)} → ${pct(t.recording).padStart(7)}`);
  return [
    'CPU, % of one core over each window (server = the Node server process; workers = its camera workers, summed):',
    ...phases.map(
      (p) =>
        `  ${p.mode.padEnd(10)} server ${pct(p.server)}  workers ${pct(p.workers)} (${pct(p.workers / cameras)} each)  ` +
        `Janus ${pct(p.janus)}  other ${pct(p.other)}  RTSP server ${pct(p.cameras)}  machine ${pct(p.machine)} of all cores; ` +
        `elsewhere ${pct(p.elsewhere.total)} (${p.elsewhere.busiest.join('; ')})` +
        (p.lost > 0 ? `  (${p.lost} processes ended in the window: not comparable)` : ''),
    ),
    `Per camera, (server + workers) / ${cameras}: live-only ${pct(costs.live)}, continuous ${pct(costs.recording)}: ` +
      `recording adds ${pct(costs.added)} of one core per camera (${costs.ratio.toFixed(3)}× live-only); ` +
      `workers ${pct(costs.workers.live)} → ${pct(costs.workers.recording)} each, ` +
      `server ${pct(costs.server.live)} → ${pct(costs.server.recording)} in all`,
    'Worker threads, % of one core per camera, live-only → continuous (mean of the windows):',
    ...busiest((p) => p.threads, cameras, 10),
    'Server threads, % of one core in all, live-only → continuous:',
    ...busiest((p) => p.serverThreads, 1, 6),
  ];
}

// The pure parts of watching a camera over WebRTC: the viewer's state machine, its back-off, how each kind
// of failure is treated, and the queue that holds the SFU's ICE candidates until they can be applied. The
// composable (composables/use-webrtc-viewer.ts) owns the RTCPeerConnection, the socket and the timers.
import type { LiveIceCandidate, LiveSessionEndReason } from '../api/types';

/** First retry delay, in milliseconds; doubles per failed attempt. */
export const RETRY_BASE_MS = 1_000;
/** Longest retry delay, in milliseconds. */
export const RETRY_MAX_MS = 10_000;
/** Consecutive WebRTC transport failures after which a tile falls back to MJPEG. */
export const MAX_TRANSPORT_FAILURES = 3;
/** How long ICE may stay `disconnected` before the session counts as failed, in milliseconds. */
export const ICE_DISCONNECT_GRACE_MS = 3_000;
/** How long a session may take from live.watch to live.started, in milliseconds. */
export const MEDIA_TIMEOUT_MS = 20_000;
/** Most SFU candidates held while the remote description is being set; Janus sends a handful. */
export const MAX_QUEUED_CANDIDATES = 64;

/**
 * idle: not started (or stopped). connecting: asking for an offer and negotiating. live: media flows.
 * retrying: waiting out the back-off before the next attempt. failed: given up; `fallback` says whether the
 * MJPEG stream can stand in.
 */
export type ViewerPhase = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed';

/**
 * How a failure is handled. transport: ICE, SFU or negotiation trouble, retried and counted towards the MJPEG
 * fallback. restart: the server or socket started over, retried without counting. offline: the camera has no
 * video, retried without counting (MJPEG would have no pictures either). fatal: no point retrying.
 * fallback: WebRTC cannot work here (the browser lacks it, or the server takes no more streams), so go
 * straight to MJPEG.
 */
export type FailureKind = 'transport' | 'restart' | 'offline' | 'fatal' | 'fallback';

/** Why the viewer is not live: a stable code and a sentence for the user. */
export interface ViewerProblem {
  code: string;
  message: string;
}

export interface ViewerState {
  phase: ViewerPhase;
  /** Failed attempts since media last flowed; picks the next back-off delay. */
  failures: number;
  /** Consecutive transport failures since media last flowed. */
  transportFailures: number;
  /** Why the last attempt failed, or null. */
  problem: ViewerProblem | null;
  /** In `failed`: whether the MJPEG stream should stand in for WebRTC. */
  fallback: boolean;
}

export type ViewerEvent =
  /** Begin (or begin again after `failed`, e.g. the user asked to). */
  | { type: 'start' }
  /** The back-off delay is over. */
  | { type: 'retry' }
  /** The server said media flows (live.started). */
  | { type: 'media' }
  | { type: 'fail'; kind: FailureKind; problem: ViewerProblem }
  | { type: 'stop' };

export const IDLE_VIEWER: ViewerState = Object.freeze({
  phase: 'idle',
  failures: 0,
  transportFailures: 0,
  problem: null,
  fallback: false,
});

/** Delay before retry number `attempt` (0-based): 1 s, 2 s, 4 s, 8 s, then 10 s. */
export function retryDelayMs(attempt: number): number {
  // Clamp the exponent so a long outage cannot overflow to Infinity.
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt, 0), 16), RETRY_MAX_MS);
}

/** The back-off before the next attempt of a viewer in `retrying`. */
export function nextRetryDelayMs(state: ViewerState): number {
  return retryDelayMs(state.failures - 1);
}

function failed(state: ViewerState, problem: ViewerProblem, fallback: boolean): ViewerState {
  return { ...state, phase: 'failed', problem, fallback };
}

/** The viewer's state machine: idle → connecting → live → retrying → … → failed. */
export function nextViewerState(state: ViewerState, event: ViewerEvent): ViewerState {
  switch (event.type) {
    case 'start':
      return { ...IDLE_VIEWER, phase: 'connecting' };
    case 'retry':
      return state.phase === 'retrying' ? { ...state, phase: 'connecting' } : state;
    case 'media':
      return state.phase === 'connecting'
        ? { phase: 'live', failures: 0, transportFailures: 0, problem: null, fallback: false }
        : state;
    case 'stop':
      return IDLE_VIEWER;
    case 'fail': {
      // Late failures of a session already given up on (or never started) change nothing.
      if (state.phase === 'idle' || state.phase === 'failed') return state;
      const { kind, problem } = event;
      switch (kind) {
        case 'fatal':
          return failed(state, problem, false);
        case 'fallback':
          return failed(state, problem, true);
        case 'transport': {
          const transportFailures = state.transportFailures + 1;
          if (transportFailures >= MAX_TRANSPORT_FAILURES) {
            return failed({ ...state, transportFailures }, problem, true);
          }
          return { ...state, phase: 'retrying', failures: state.failures + 1, transportFailures, problem };
        }
        case 'restart':
        case 'offline':
          return { ...state, phase: 'retrying', failures: state.failures + 1, problem };
      }
    }
  }
}

/** What a tile shows and exposes as data-status. */
export type ViewerDisplay = 'connecting' | 'live' | 'retrying' | 'failed' | 'mjpeg';

export function viewerDisplay(state: ViewerState): ViewerDisplay {
  switch (state.phase) {
    case 'idle':
    case 'connecting':
      return 'connecting';
    case 'live':
      return 'live';
    case 'retrying':
      return 'retrying';
    case 'failed':
      return state.fallback ? 'mjpeg' : 'failed';
  }
}

/** How an `error` answer to live.watch (or a failure of the request itself) is handled. */
export function watchErrorKind(code: string): FailureKind {
  switch (code) {
    case 'CAMERA_OFFLINE':
      return 'offline';
    case 'LIVE_DISCONNECTED':
      return 'restart';
    case 'TOO_MANY_STREAMS':
      return 'fallback';
    case 'CAMERA_NOT_FOUND':
    case 'NOT_FOUND':
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
    case 'INVALID_MESSAGE':
    case 'UNKNOWN_MESSAGE':
      return 'fatal';
    default:
      // SFU_UNAVAILABLE, TIMEOUT, INTERNAL and anything newer: the WebRTC path is in trouble.
      return 'transport';
  }
}

/** How a live.ended is handled; `removed` means the camera is gone and its tile should go too. */
export function endReasonKind(reason: LiveSessionEndReason): FailureKind | 'removed' {
  switch (reason) {
    case 'camera-removed':
      return 'removed';
    case 'sfu-restarted':
    case 'stopped':
      return 'restart';
    case 'hangup':
    case 'error':
      return 'transport';
  }
}

/**
 * The SFU's candidates, held until the remote description is set (Janus trickles fully, so they can arrive
 * while setRemoteDescription is still running), then handed out in order. Bounded: beyond
 * MAX_QUEUED_CANDIDATES the newest are dropped and counted.
 */
export class CandidateQueue {
  #open = false;
  #held: (LiveIceCandidate | null)[] = [];
  #dropped = 0;

  /** Candidates dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Takes a candidate (null: end of candidates); returns those to apply now, in order. */
  add(candidate: LiveIceCandidate | null): (LiveIceCandidate | null)[] {
    if (this.#open) return [candidate];
    if (this.#held.length >= MAX_QUEUED_CANDIDATES) this.#dropped += 1;
    else this.#held.push(candidate);
    return [];
  }

  /** The remote description is set: returns everything held, in arrival order; later candidates pass through. */
  open(): (LiveIceCandidate | null)[] {
    this.#open = true;
    const held = this.#held;
    this.#held = [];
    return held;
  }

  /** Back to holding, for the next session. */
  reset(): void {
    this.#open = false;
    this.#held = [];
    this.#dropped = 0;
  }
}

/**
 * Candidates for sessions this viewer does not know yet. The server may trickle the SFU's first candidate
 * before its live.offer reaches us, when the session id is still unknown; dropping it can leave ICE with
 * nothing to try. Held (bounded) while a watch is in flight, then claimed by the session the offer names.
 */
export class EarlyCandidates {
  #held: { sessionId: string; candidate: LiveIceCandidate | null }[] = [];

  hold(sessionId: string, candidate: LiveIceCandidate | null): void {
    if (this.#held.length < MAX_QUEUED_CANDIDATES) this.#held.push({ sessionId, candidate });
  }

  /** The held candidates of `sessionId`, in arrival order; everything else is forgotten. */
  claim(sessionId: string): (LiveIceCandidate | null)[] {
    const mine = this.#held.filter((entry) => entry.sessionId === sessionId).map((entry) => entry.candidate);
    this.#held = [];
    return mine;
  }

  clear(): void {
    this.#held = [];
  }
}

/** A browser candidate (RTCIceCandidate.toJSON()) in the shape live.candidate carries. */
export function toWireCandidate(init: RTCIceCandidateInit): LiveIceCandidate {
  const wire: LiveIceCandidate = { candidate: init.candidate ?? '' };
  if (init.sdpMid !== undefined) wire.sdpMid = init.sdpMid;
  if (init.sdpMLineIndex !== undefined) wire.sdpMLineIndex = init.sdpMLineIndex;
  return wire;
}

/** A sentence for a live.ended the viewer reacts to; the server's own message wins when it sent one. */
export function endReasonProblem(reason: LiveSessionEndReason, message?: string): ViewerProblem {
  const detail = message?.trim() ?? '';
  if (detail !== '') return { code: reason, message: detail };
  switch (reason) {
    case 'camera-removed':
      return { code: reason, message: 'The camera was removed.' };
    case 'sfu-restarted':
      return { code: reason, message: 'The live video service restarted.' };
    case 'stopped':
      return { code: reason, message: 'The server ended the live session.' };
    case 'hangup':
      return { code: reason, message: 'The live video connection was lost.' };
    case 'error':
      return { code: reason, message: 'The live video failed on the server.' };
  }
}

/**
 * Makes the browser the DTLS server in its SDP answer (`a=setup:passive` where it chose `active`), so Janus
 * starts the handshake. As the client, the browser sent its ClientHello the moment ICE connected, often before
 * Janus had set up DTLS for the new viewer; Janus dropped it and the browser's first retransmission came 100 ms
 * later. Measured in bench:live: four loads in nine took ~170 ms from ICE to connected instead of ~65. A browser
 * as the server keeps a ClientHello that arrives early. The offer says `actpass`, so either role is valid.
 */
export function answerAsDtlsServer(sdp: string): string {
  return sdp.replace(/^a=setup:active\r?$/gm, (line) => line.replace('active', 'passive'));
}

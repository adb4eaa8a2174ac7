// Watches one camera over WebRTC, signalled over the live socket: live.watch → live.offer, answer, trickle
// both ways, live.started. Failures tear the session down and retry with back-off (lib/webrtc-viewer.ts
// decides how); repeated transport failures, or a browser without WebRTC, end in `failed` with `fallback`,
// where the tile shows the MJPEG stream instead. Stops (and tells the server) when the caller's scope ends.
import { storeToRefs } from 'pinia';
import {
  computed,
  onScopeDispose,
  readonly,
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue';
import { errorMessage } from '../api/error-message';
import { isLiveError, LiveError } from '../api/live-error';
import type { LiveIceCandidate } from '../api/types';
import { claimEarlySession, type EarlySession } from '../lib/live-preconnect';
import { randomId } from '../lib/secure-context';
import {
  answerAsDtlsServer,
  CandidateQueue,
  EarlyCandidates,
  endReasonKind,
  endReasonProblem,
  ICE_DISCONNECT_GRACE_MS,
  IDLE_VIEWER,
  MEDIA_TIMEOUT_MS,
  nextRetryDelayMs,
  nextViewerState,
  toWireCandidate,
  viewerDisplay,
  watchErrorKind,
  type FailureKind,
  type ViewerEvent,
  type ViewerProblem,
  type ViewerState,
} from '../lib/webrtc-viewer';
import { useLiveSocket } from './use-live-socket';

export interface WebrtcViewerOptions {
  /** Called when the server says the camera was removed; the viewer has stopped by then. */
  onRemoved?: () => void;
}

/** Whether this browser has WebRTC at all (it is not limited to secure contexts, so LAN http works). */
export function webrtcSupported(): boolean {
  return typeof globalThis.RTCPeerConnection === 'function';
}

function problemFor(code: string): ViewerProblem {
  return { code, message: errorMessage(new LiveError(code, '')) };
}

export function useWebrtcViewer(cameraId: MaybeRefOrGetter<number>, options: WebrtcViewerOptions = {}) {
  const socket = useLiveSocket();
  const { connectionId, status: socketStatus } = storeToRefs(socket);

  const state = shallowRef<ViewerState>(IDLE_VIEWER);
  /** The received stream, for a <video>'s srcObject; null until the first track arrives. */
  const stream = shallowRef<MediaStream | null>(null);
  /** True while an attempt waits for the live socket to come back. */
  const waitingForSocket = ref(false);

  let pc: RTCPeerConnection | null = null;
  let sessionId: string | null = null;
  // Bumped by every new attempt and every teardown; an async step that finds it changed is stale and quits.
  let attempt = 0;
  /** The socket connection the current attempt was made on (see the connectionId watcher). */
  let attemptConnection = 0;
  let answerSent = false;
  let localCandidates: (LiveIceCandidate | null)[] = [];
  const remoteCandidates = new CandidateQueue();
  const earlyCandidates = new EarlyCandidates();
  /** A live.watch is waiting for its offer. */
  let watching = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let mediaTimer: ReturnType<typeof setTimeout> | undefined;

  function dispatch(event: ViewerEvent): ViewerState {
    state.value = nextViewerState(state.value, event);
    return state.value;
  }

  /** Closes the current session, if any. `tellServer`: send live.stop (pointless once the server ended it). */
  function teardown(tellServer: boolean): void {
    attempt += 1;
    clearTimeout(disconnectTimer);
    clearTimeout(mediaTimer);
    disconnectTimer = undefined;
    mediaTimer = undefined;
    waitingForSocket.value = false;
    if (sessionId !== null && tellServer) socket.send({ type: 'live.stop', sessionId });
    sessionId = null;
    pc?.close();
    pc = null;
    answerSent = false;
    watching = false;
    localCandidates = [];
    remoteCandidates.reset();
    earlyCandidates.clear();
    stream.value = null;
  }

  function markLive(): void {
    clearTimeout(mediaTimer);
    mediaTimer = undefined;
    dispatch({ type: 'media' });
  }

  function cancelRetry(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function fail(kind: FailureKind, problem: ViewerProblem, tellServer = true): void {
    teardown(tellServer);
    const next = dispatch({ type: 'fail', kind, problem });
    if (next.phase !== 'retrying') return;
    const delay = nextRetryDelayMs(next);
    cancelRetry();
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (dispatch({ type: 'retry' }).phase === 'connecting') void connect();
    }, delay);
  }

  function failTransport(): void {
    fail('transport', problemFor('WEBRTC_FAILED'));
  }

  function applyCandidate(peer: RTCPeerConnection, candidate: LiveIceCandidate | null): void {
    // No argument means end-of-candidates; older browsers reject that, which is harmless (ICE goes on).
    const added = candidate === null ? peer.addIceCandidate() : peer.addIceCandidate(candidate);
    added.catch((err: unknown) => {
      if (pc === peer) console.warn('An ICE candidate from the server was not accepted', err);
    });
  }

  function sendLocalCandidate(candidate: LiveIceCandidate | null): void {
    if (sessionId === null) return;
    // Before the answer is out the server has no use for our candidates; they follow right after it.
    if (!answerSent) localCandidates.push(candidate);
    else socket.send({ type: 'live.candidate', sessionId, candidate });
  }

  function onIceState(peer: RTCPeerConnection): void {
    if (pc !== peer) return;
    switch (peer.iceConnectionState) {
      case 'failed':
        failTransport();
        break;
      case 'disconnected':
        // Often a blip (Wi-Fi roaming): only give up if it lasts.
        disconnectTimer ??= setTimeout(failTransport, ICE_DISCONNECT_GRACE_MS);
        break;
      case 'connected':
      case 'completed':
        clearTimeout(disconnectTimer);
        disconnectTimer = undefined;
        break;
      case 'new':
      case 'checking':
      case 'closed':
        break;
    }
  }

  /** A remote track unmutes when its first packets arrive: media flows even if live.started is late. */
  function watchTrack(peer: RTCPeerConnection, track: MediaStreamTrack): void {
    track.addEventListener('unmute', () => {
      if (pc === peer) markLive();
    });
  }

  function watchPeer(peer: RTCPeerConnection): void {
    peer.addEventListener('track', (event) => {
      if (pc !== peer) return;
      stream.value = event.streams[0] ?? new MediaStream([event.track]);
      watchTrack(peer, event.track);
    });
    peer.addEventListener('icecandidate', (event) => {
      if (pc === peer) sendLocalCandidate(event.candidate ? toWireCandidate(event.candidate.toJSON()) : null);
    });
    peer.addEventListener('iceconnectionstatechange', () => onIceState(peer));
  }

  function createPeer(iceServers: RTCIceServer[]): RTCPeerConnection {
    const peer = new RTCPeerConnection({ iceServers });
    watchPeer(peer);
    return peer;
  }

  /** Takes over the session the page's preconnect negotiated before the app booted (lib/live-preconnect.ts). */
  function adopt(session: EarlySession): void {
    sessionId = session.sessionId;
    pc = session.pc;
    answerSent = true;
    watchPeer(session.pc);
    stream.value = session.stream;
    if (session.live) markLive();
    else for (const track of session.stream?.getTracks() ?? []) watchTrack(session.pc, track);
    onIceState(session.pc);
  }

  async function connect(): Promise<void> {
    teardown(true);
    const mine = attempt;
    if (socketStatus.value !== 'connected') {
      // The socket store reconnects on its own; the connectionId watcher resumes from here.
      waitingForSocket.value = true;
      return;
    }
    attemptConnection = connectionId.value;
    mediaTimer = setTimeout(failTransport, MEDIA_TIMEOUT_MS);

    const early = claimEarlySession(toValue(cameraId));
    if (early !== null) {
      const session = await early;
      if (mine !== attempt) {
        if (session) socket.send({ type: 'live.stop', sessionId: session.sessionId });
        session?.pc.close();
        return;
      }
      if (session !== null) {
        adopt(session);
        return;
      }
    }

    let offer;
    watching = true;
    try {
      offer = await socket.request(
        { type: 'live.watch', id: randomId(), cameraId: toValue(cameraId) },
        'live.offer',
      );
    } catch (err) {
      if (mine !== attempt) return;
      watching = false;
      const code = isLiveError(err) ? err.code : 'INTERNAL';
      fail(watchErrorKind(code), { code, message: errorMessage(err) });
      return;
    }
    if (mine !== attempt) {
      // Stopped while the offer was on its way: free the session the server just made for us.
      socket.send({ type: 'live.stop', sessionId: offer.sessionId });
      return;
    }

    sessionId = offer.sessionId;
    watching = false;
    for (const candidate of earlyCandidates.claim(offer.sessionId)) remoteCandidates.add(candidate);
    try {
      const peer = createPeer(offer.iceServers);
      pc = peer;
      await peer.setRemoteDescription(offer.jsep);
      if (mine !== attempt) return;
      for (const candidate of remoteCandidates.open()) applyCandidate(peer, candidate);
      const created = await peer.createAnswer();
      const answer = { type: created.type, sdp: answerAsDtlsServer(created.sdp ?? '') };
      if (mine !== attempt) return;
      await peer.setLocalDescription(answer);
      if (mine !== attempt) return;
      socket.send({ type: 'live.answer', sessionId, jsep: { type: 'answer', sdp: answer.sdp } });
      answerSent = true;
      const early = localCandidates;
      localCandidates = [];
      for (const candidate of early) sendLocalCandidate(candidate);
    } catch (err) {
      if (mine !== attempt) return;
      console.warn('WebRTC negotiation failed', err);
      failTransport();
    }
  }

  /** Starts afresh: from idle, after `failed`, or to reconnect now instead of waiting out the back-off. */
  function start(): void {
    cancelRetry();
    teardown(true);
    dispatch({ type: 'start' });
    if (!webrtcSupported()) {
      fail('fallback', problemFor('WEBRTC_UNSUPPORTED'));
      return;
    }
    void connect();
  }

  function stop(): void {
    cancelRetry();
    teardown(true);
    dispatch({ type: 'stop' });
  }

  const unsubscribe = [
    socket.on('live.candidate', (message) => {
      if (message.sessionId === sessionId && pc !== null) {
        for (const candidate of remoteCandidates.add(message.candidate)) applyCandidate(pc, candidate);
      } else if (watching) {
        earlyCandidates.hold(message.sessionId, message.candidate);
      }
    }),
    socket.on('live.started', (message) => {
      if (message.sessionId === sessionId) markLive();
    }),
    socket.on('live.ended', (message) => {
      if (message.sessionId !== sessionId) return;
      const kind = endReasonKind(message.reason);
      if (kind === 'removed') {
        stop();
        options.onRemoved?.();
        return;
      }
      fail(kind, endReasonProblem(message.reason, message.message), false);
    }),
  ];

  // A new socket means the server dropped every session of the old one: resume or start over. An attempt
  // already made on the new socket is left alone.
  watch(connectionId, (id) => {
    if (waitingForSocket.value) {
      void connect();
      return;
    }
    const { phase } = state.value;
    if ((phase === 'connecting' || phase === 'live') && attemptConnection !== id) {
      fail('restart', problemFor('LIVE_DISCONNECTED'), false);
    }
  });

  watch(() => toValue(cameraId), start, { immediate: true });

  onScopeDispose(() => {
    for (const off of unsubscribe) off();
    stop();
  });

  /** The current connection's stats as plain records (see lib/webrtc-stats.ts), or null when not connected. */
  async function readStats(): Promise<Record<string, unknown>[] | null> {
    const peer = pc;
    if (peer === null) return null;
    const report = await peer.getStats();
    const stats: Record<string, unknown>[] = [];
    report.forEach((value: unknown) => {
      if (typeof value === 'object' && value !== null) stats.push(value as Record<string, unknown>);
    });
    return stats;
  }

  return {
    state: computed(() => state.value),
    display: computed(() => viewerDisplay(state.value)),
    stream: computed(() => stream.value),
    waitingForSocket: readonly(waitingForSocket),
    restart: start,
    readStats,
  };
}

export type WebrtcViewer = ReturnType<typeof useWebrtcViewer>;

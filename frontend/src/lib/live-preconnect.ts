// A camera page opened straight from a bookmark (a wall tablet, a phone's home screen) starts its video before
// the app has booted. The entry (main.ts) runs this ahead of the app's bundle: it opens /api/ws, and as
// soon as the server greets it, asks for the camera (live.watch), answers the offer and lets ICE and DTLS run
// while the app is still evaluating its code, checking the session and mounting the page. The app then takes
// over: the live socket store adopts the socket (replaying what arrived before it), and the camera tile's viewer
// adopts the negotiated peer connection instead of starting its own. Whatever is not taken within
// PRECONNECT_TTL_MS is closed, so a page that turns out to be another (signed out, no such camera) leaks nothing.
//
// Nothing here depends on Vue or Pinia, so the entry stays a few kilobytes.
import type { LiveIceCandidate, LiveServerMessage, LiveServerMessageOf } from '../api/types';
import { liveSocketUrl, parseServerMessage } from './live-protocol';
import { randomId } from './secure-context';
import { answerAsDtlsServer, toWireCandidate } from './webrtc-viewer';

/** How long an early socket or session waits to be taken by the app before it is closed, in milliseconds. */
export const PRECONNECT_TTL_MS = 15_000;

const LIVE_CAMERA_PATH = /^\/live\/(\d+)\/?$/;
// WebSocket.readyState values, written out so the module also runs where the global is missing (tests).
const OPEN = 1;
const CLOSING = 2;

/** The camera a path shows on its own (`/live/<id>`), or null for every other page. */
export function preconnectCameraId(pathname: string): number | null {
  const match = LIVE_CAMERA_PATH.exec(pathname);
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** What the browser provides; passed in so tests can drive the handshake with fakes. */
export interface PreconnectEnv {
  location: Pick<Location, 'protocol' | 'host' | 'pathname'>;
  WebSocket: new (url: string) => WebSocket;
  RTCPeerConnection: new (config: RTCConfiguration) => RTCPeerConnection;
  /** Called with the received stream as soon as its track arrives (the page plays it before the app is up). */
  onStream?: (stream: MediaStream) => void;
  /** Called when the early session ends without being handed over. */
  onGone?: () => void;
}

/** A negotiated session handed to the camera tile's viewer. */
export interface EarlySession {
  pc: RTCPeerConnection;
  sessionId: string;
  /** The received stream, once the track event has fired (it does during setRemoteDescription). */
  stream: MediaStream | null;
  /** Media already flows: a track unmuted or the server said live.started. */
  live: boolean;
}

/** The early socket as the live socket store takes it: raw message data that arrived before, in order. */
export interface EarlySocket {
  socket: WebSocket;
  buffered: unknown[];
}

type Negotiation = 'waiting' | 'negotiating' | 'ready' | 'gone';

/** One early socket and at most one early session on it, for one camera. */
export class LivePreconnect {
  readonly cameraId: number;
  readonly #env: PreconnectEnv;
  #socket: WebSocket | null;
  #buffered: unknown[] = [];
  #socketTaken = false;
  #watchId: string | null = null;
  #negotiation: Negotiation = 'waiting';
  #session: EarlySession | null = null;
  #claimed = false;
  #remoteQueue: (LiveIceCandidate | null)[] | null = [];
  #localQueue: (LiveIceCandidate | null)[] | null = [];
  #settle: ((session: EarlySession | null) => void) | null = null;
  readonly #ready: Promise<EarlySession | null>;
  /** Settles when the early session's media path is up (DTLS connected) or it is gone, claimed or not. */
  readonly connected: Promise<void>;
  #connectedDone: () => void = () => undefined;
  readonly #expiry: ReturnType<typeof setTimeout>;

  constructor(cameraId: number, env: PreconnectEnv) {
    this.cameraId = cameraId;
    this.#env = env;
    this.#ready = new Promise((resolve) => (this.#settle = resolve));
    this.connected = new Promise((resolve) => (this.#connectedDone = resolve));
    const socket = new env.WebSocket(liveSocketUrl(env.location));
    this.#socket = socket;
    socket.addEventListener('message', this.#onMessage);
    socket.addEventListener('close', this.#onClose);
    this.#expiry = setTimeout(() => this.#expire(), PRECONNECT_TTL_MS);
  }

  /** The socket for the live socket store, once; null when it closed or was already taken. */
  takeSocket(): EarlySocket | null {
    const socket = this.#socket;
    if (socket === null || this.#socketTaken || socket.readyState >= CLOSING) return null;
    this.#socketTaken = true;
    const buffered = this.#buffered;
    this.#buffered = [];
    return { socket, buffered };
  }

  /**
   * The early session for the viewer of `cameraId`, once: resolves when the answer is out (null if it failed
   * or the camera differs). From the moment it resolves the viewer owns the peer connection and its messages.
   */
  claimSession(cameraId: number): Promise<EarlySession | null> | null {
    if (this.#claimed || this.#negotiation === 'gone') return null;
    if (cameraId !== this.cameraId) return null;
    this.#claimed = true;
    if (this.#negotiation === 'ready') this.#handOver();
    return this.#ready;
  }

  /** Whether `message` answers this preconnect's own watch or concerns its session before the handoff. */
  owns(message: LiveServerMessage): boolean {
    if ('id' in message && message.id === this.#watchId) return true;
    if (this.#negotiation === 'ready' && this.#claimed) return false;
    return 'sessionId' in message && message.sessionId === this.#session?.sessionId;
  }

  readonly #onMessage = (event: MessageEvent<unknown>): void => {
    const message = parseServerMessage(event.data);
    if (message !== null && this.#handle(message)) return;
    if (!this.#socketTaken) this.#buffered.push(event.data);
  };

  readonly #onClose = (): void => {
    this.#socket = null;
    this.#finish();
  };

  /** Reacts to one message; returns whether it was this preconnect's own (and so not the store's). */
  #handle(message: LiveServerMessage): boolean {
    if (message.type === 'hello') {
      if (this.#negotiation === 'waiting' && this.#watchId === null) this.#watch();
      return false;
    }
    if (!this.owns(message)) return false;
    switch (message.type) {
      case 'live.offer':
        void this.#negotiate(message);
        break;
      case 'error':
        this.#finish();
        break;
      case 'live.candidate':
        if (this.#remoteQueue !== null) this.#remoteQueue.push(message.candidate);
        else if (this.#session) this.#addRemote(this.#session.pc, message.candidate);
        break;
      case 'live.started':
        if (this.#session) this.#session.live = true;
        break;
      case 'live.ended':
        this.#finish(false);
        break;
      case 'pong':
      case 'event':
      case 'session.revoked':
        break;
    }
    return true;
  }

  #send(message: object): void {
    if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(message));
  }

  #watch(): void {
    this.#watchId = randomId();
    this.#send({ type: 'live.watch', id: this.#watchId, cameraId: this.cameraId });
  }

  #addRemote(pc: RTCPeerConnection, candidate: LiveIceCandidate | null): void {
    const added = candidate === null ? pc.addIceCandidate() : pc.addIceCandidate(candidate);
    added.catch(() => undefined);
  }

  #sendLocal(sessionId: string, candidate: LiveIceCandidate | null): void {
    if (this.#negotiation !== 'negotiating' && this.#negotiation !== 'ready') return;
    if (this.#claimed && this.#negotiation === 'ready') return;
    if (this.#localQueue !== null) this.#localQueue.push(candidate);
    else this.#send({ type: 'live.candidate', sessionId, candidate });
  }

  async #negotiate(offer: LiveServerMessageOf<'live.offer'>): Promise<void> {
    if (this.#negotiation !== 'waiting') return;
    this.#negotiation = 'negotiating';
    const pc = new this.#env.RTCPeerConnection({ iceServers: offer.iceServers });
    const session: EarlySession = { pc, sessionId: offer.sessionId, stream: null, live: false };
    this.#session = session;
    pc.addEventListener('track', (event) => {
      if (session.stream === null) {
        session.stream = event.streams[0] ?? new MediaStream([event.track]);
        this.#env.onStream?.(session.stream);
      }
      event.track.addEventListener('unmute', () => (session.live = true));
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState !== 'new' && pc.connectionState !== 'connecting') this.#connectedDone();
    });
    pc.addEventListener('icecandidate', (event) => {
      this.#sendLocal(session.sessionId, event.candidate ? toWireCandidate(event.candidate.toJSON()) : null);
    });
    try {
      await pc.setRemoteDescription(offer.jsep);
      for (const candidate of this.#remoteQueue ?? []) this.#addRemote(pc, candidate);
      this.#remoteQueue = null;
      const created = await pc.createAnswer();
      const sdp = answerAsDtlsServer(created.sdp ?? '');
      await pc.setLocalDescription({ type: created.type, sdp });
      // Ended meanwhile (the server's error or live.ended, the socket closed, the time to live ran out).
      if (this.#session !== session) return;
      this.#send({ type: 'live.answer', sessionId: session.sessionId, jsep: { type: 'answer', sdp } });
      const early = this.#localQueue ?? [];
      this.#localQueue = null;
      for (const candidate of early) this.#sendLocal(session.sessionId, candidate);
      this.#negotiation = 'ready';
      if (this.#claimed) this.#handOver();
    } catch {
      this.#finish();
    }
  }

  /** Resolves the claim; from here the viewer's own listeners and the store's handlers take every message. */
  #handOver(): void {
    clearTimeout(this.#expiry);
    this.#settle?.(this.#session);
    this.#settle = null;
  }

  /** Ends the early session (telling the server unless it ended it) and resolves a waiting claim with null. */
  #finish(tellServer = true): void {
    if (this.#negotiation === 'gone') return;
    const handedOver = this.#negotiation === 'ready' && this.#claimed;
    if (handedOver) return;
    this.#negotiation = 'gone';
    const session = this.#session;
    if (session) {
      if (tellServer) this.#send({ type: 'live.stop', sessionId: session.sessionId });
      session.pc.close();
    }
    this.#session = null;
    this.#settle?.(null);
    this.#settle = null;
    this.#connectedDone();
    this.#env.onGone?.();
  }

  #expire(): void {
    this.#finish();
    if (!this.#socketTaken && this.#socket !== null) {
      this.#socket.close(1000);
      this.#socket = null;
    }
  }
}

let current: LivePreconnect | null = null;

/** Starts the early connection when the page is one camera's and the browser can show WebRTC. */
export function startLivePreconnect(env: PreconnectEnv): LivePreconnect | null {
  const cameraId = preconnectCameraId(env.location.pathname);
  if (cameraId === null) return null;
  current = new LivePreconnect(cameraId, env);
  return current;
}

/**
 * Settles once the early session's media path is up (or it failed), or after `maxMs`; at once on other pages.
 * The app's boot waits for it: a few hundred milliseconds of evaluating and mounting on a small box would
 * otherwise hold the offer, the answer and the connection's events until the page is up. From there on the
 * picture needs no more of the page's main thread (the compositor shows video frames), so the app boots
 * alongside it.
 */
export function earlyConnection(maxMs: number): Promise<void> {
  const early = current;
  if (early === null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    void early.connected.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The early socket for the live socket store's first connection, or null when there is none (any more). */
export function takeEarlySocket(): EarlySocket | null {
  return current?.takeSocket() ?? null;
}

/** The early session for the viewer of `cameraId` (see LivePreconnect.claimSession), or null. */
export function claimEarlySession(cameraId: number): Promise<EarlySession | null> | null {
  return current?.claimSession(cameraId) ?? null;
}

/** Whether the live socket store should leave `message` alone: it belongs to the early session. */
export function isEarlyMessage(message: LiveServerMessage): boolean {
  return current?.owns(message) ?? false;
}

/** Forgets the early connection (tests). */
export function resetLivePreconnect(): void {
  current = null;
}

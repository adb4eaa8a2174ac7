import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  claimEarlySession,
  isEarlyMessage,
  LivePreconnect,
  preconnectCameraId,
  PRECONNECT_TTL_MS,
  resetLivePreconnect,
  startLivePreconnect,
  takeEarlySocket,
  type PreconnectEnv,
} from './live-preconnect';

// Stand-ins for the browser's WebSocket and RTCPeerConnection: they record what the preconnect does with them
// and let the test play the server's part.
class FakeSocket extends EventTarget {
  static last: FakeSocket | null = null;
  readonly url: string;
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;

  constructor(url: string) {
    super();
    this.url = url;
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The server's side: the socket opens and a message arrives. */
  receive(message: object): void {
    this.readyState = 1;
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  drop(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  ofType(type: string): Record<string, unknown>[] {
    return this.sent.filter((message) => message['type'] === type);
  }
}

class FakePeer extends EventTarget {
  static last: FakePeer | null = null;
  readonly config: RTCConfiguration;
  remote: RTCSessionDescriptionInit | null = null;
  local: RTCSessionDescriptionInit | null = null;
  readonly candidates: (RTCIceCandidateInit | undefined)[] = [];
  connectionState: RTCPeerConnectionState = 'new';
  closed = false;
  readonly stream = { id: 'stream' } as unknown as MediaStream;

  constructor(config: RTCConfiguration) {
    super();
    this.config = config;
    FakePeer.last = this;
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remote = description;
    // As in a browser: the track event fires while the remote description is applied.
    const track = new EventTarget();
    this.dispatchEvent(Object.assign(new Event('track'), { streams: [this.stream], track }));
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: 'v=0\r\na=setup:active\r\n' };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.local = description;
  }
  async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    this.candidates.push(candidate);
  }
  close(): void {
    this.closed = true;
  }
  gather(candidate: string | null): void {
    const init = candidate === null ? null : { toJSON: () => ({ candidate, sdpMid: '0', sdpMLineIndex: 0 }) };
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: init }));
  }
  connect(): void {
    this.connectionState = 'connected';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

const HELLO = { type: 'hello', user: { id: 1, username: 'alice', role: 'viewer' } };

function env(pathname: string, hooks: Partial<PreconnectEnv> = {}): PreconnectEnv {
  return {
    location: { protocol: 'https:', host: 'vigil.local', pathname },
    WebSocket: FakeSocket as unknown as PreconnectEnv['WebSocket'],
    RTCPeerConnection: FakePeer as unknown as PreconnectEnv['RTCPeerConnection'],
    ...hooks,
  };
}

function socket(): FakeSocket {
  if (FakeSocket.last === null) throw new Error('no socket was opened');
  return FakeSocket.last;
}

function peer(): FakePeer {
  if (FakePeer.last === null) throw new Error('no peer connection was made');
  return FakePeer.last;
}

/** Greets, answers the watch with an offer, and lets the negotiation finish. */
async function offerFor(ws: FakeSocket, sessionId = 'sess-1'): Promise<void> {
  ws.receive(HELLO);
  const watch = ws.ofType('live.watch')[0];
  ws.receive({
    type: 'live.offer',
    id: watch?.['id'],
    sessionId,
    cameraId: 7,
    jsep: { type: 'offer', sdp: 'v=0' },
    iceServers: [{ urls: ['stun:vigil.local'] }],
  });
  await vi.waitFor(() => expect(ws.ofType('live.answer')).toHaveLength(1));
}

beforeEach(() => {
  FakeSocket.last = null;
  FakePeer.last = null;
  resetLivePreconnect();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('preconnectCameraId', () => {
  it("finds the camera of a camera's own page and nothing on any other", () => {
    expect(preconnectCameraId('/live/7')).toBe(7);
    expect(preconnectCameraId('/live/7/')).toBe(7);
    expect(preconnectCameraId('/live')).toBeNull();
    expect(preconnectCameraId('/live/0')).toBeNull();
    expect(preconnectCameraId('/live/7/x')).toBeNull();
    expect(preconnectCameraId('/files/live/7')).toBeNull();
    expect(preconnectCameraId('/live/99999999999999999999')).toBeNull();
  });
});

describe('startLivePreconnect', () => {
  it('opens nothing on other pages', () => {
    expect(startLivePreconnect(env('/files'))).toBeNull();
    expect(FakeSocket.last).toBeNull();
    expect(takeEarlySocket()).toBeNull();
    expect(claimEarlySession(7)).toBeNull();
  });

  it('watches the camera once greeted and answers its offer as the DTLS server, candidates after the answer', async () => {
    const onStream = vi.fn();
    startLivePreconnect(env('/live/7', { onStream }));
    const ws = socket();
    expect(ws.url).toBe('wss://vigil.local/api/ws');
    expect(ws.sent).toEqual([]);

    ws.receive(HELLO);
    const watch = ws.ofType('live.watch');
    expect(watch).toEqual([{ type: 'live.watch', id: expect.any(String), cameraId: 7 }]);
    ws.receive({
      type: 'live.offer',
      id: watch[0]?.['id'],
      sessionId: 'sess-1',
      cameraId: 7,
      jsep: { type: 'offer', sdp: 'v=0' },
      iceServers: [{ urls: ['stun:vigil.local'] }],
    });
    // Trickled while the offer is still being applied: held, then added.
    ws.receive({ type: 'live.candidate', sessionId: 'sess-1', candidate: { candidate: 'early' } });
    const pc = peer();
    pc.gather('mine-1');
    await vi.waitFor(() => expect(ws.ofType('live.answer')).toHaveLength(1));

    expect(pc.config.iceServers).toEqual([{ urls: ['stun:vigil.local'] }]);
    expect(pc.remote).toEqual({ type: 'offer', sdp: 'v=0' });
    expect(pc.local?.sdp).toContain('a=setup:passive');
    expect(pc.candidates).toEqual([{ candidate: 'early' }]);
    expect(onStream).toHaveBeenCalledWith(pc.stream);
    // The candidate gathered before the answer follows it; later ones go out at once.
    const types = ws.sent.map((message) => message['type']);
    expect(types).toEqual(['live.watch', 'live.answer', 'live.candidate']);
    pc.gather(null);
    expect(ws.ofType('live.candidate').map((m) => m['candidate'])).toEqual([
      { candidate: 'mine-1', sdpMid: '0', sdpMLineIndex: 0 },
      null,
    ]);
  });
});

describe('handing over to the app', () => {
  it('gives the store the socket with what arrived before, and keeps its own messages from it', async () => {
    startLivePreconnect(env('/live/7'));
    const ws = socket();
    await offerFor(ws);
    ws.receive({ type: 'event', event: { id: 1 } });

    const taken = takeEarlySocket();
    expect(taken?.socket).toBe(ws);
    // The hello and the push are the store's; the offer was the preconnect's own.
    expect(taken?.buffered.map((data) => (JSON.parse(String(data)) as { type: string }).type)).toEqual([
      'hello',
      'event',
    ]);
    expect(takeEarlySocket()).toBeNull();
    expect(isEarlyMessage({ type: 'live.started', sessionId: 'sess-1' })).toBe(true);
    expect(isEarlyMessage({ type: 'live.started', sessionId: 'other' })).toBe(false);
  });

  it("hands the viewer of the page's camera the negotiated session, once; after that its messages are the viewer's", async () => {
    startLivePreconnect(env('/live/7'));
    const ws = socket();
    await offerFor(ws);
    ws.receive({ type: 'live.started', sessionId: 'sess-1' });

    expect(claimEarlySession(8)).toBeNull();
    const session = await claimEarlySession(7);
    expect(session).toMatchObject({ sessionId: 'sess-1', live: true, pc: peer(), stream: peer().stream });
    expect(claimEarlySession(7)).toBeNull();
    expect(isEarlyMessage({ type: 'live.started', sessionId: 'sess-1' })).toBe(false);

    // The viewer sends its own candidates now, and remote ones are no longer applied twice.
    const before = ws.sent.length;
    peer().gather('late');
    ws.receive({ type: 'live.candidate', sessionId: 'sess-1', candidate: { candidate: 'remote-late' } });
    expect(ws.sent.length).toBe(before);
    expect(peer().candidates).toEqual([]);
  });

  it('makes a claim made before the offer wait for the answer', async () => {
    startLivePreconnect(env('/live/7'));
    const ws = socket();
    ws.receive(HELLO);
    const claim = claimEarlySession(7);
    expect(claim).not.toBeNull();
    await offerFor(ws);
    await expect(claim).resolves.toMatchObject({ sessionId: 'sess-1' });
  });
});

describe('when the early session does not work out', () => {
  it('resolves a claim with null when the server refuses the watch, and says it is gone', async () => {
    const onGone = vi.fn();
    startLivePreconnect(env('/live/7', { onGone }));
    const ws = socket();
    ws.receive(HELLO);
    const claim = claimEarlySession(7);
    const id = ws.ofType('live.watch')[0]?.['id'];
    ws.receive({ type: 'error', id, code: 'CAMERA_OFFLINE', message: 'offline' });
    await expect(claim).resolves.toBeNull();
    expect(onGone).toHaveBeenCalledOnce();
    expect(isEarlyMessage({ type: 'error', id: String(id), code: 'CAMERA_OFFLINE', message: '' })).toBe(true);
  });

  it('resolves a claim with null when the socket closes, and gives the store no closed socket', async () => {
    startLivePreconnect(env('/live/7'));
    const ws = socket();
    ws.receive(HELLO);
    const claim = claimEarlySession(7);
    ws.drop();
    await expect(claim).resolves.toBeNull();
    expect(takeEarlySocket()).toBeNull();
  });

  it('stops an unclaimed session and closes an untaken socket after the time to live', async () => {
    vi.useFakeTimers();
    const early = startLivePreconnect(env('/live/7'));
    expect(early).toBeInstanceOf(LivePreconnect);
    const ws = socket();
    ws.receive(HELLO);
    const id = ws.ofType('live.watch')[0]?.['id'];
    ws.receive({
      type: 'live.offer',
      id,
      sessionId: 'sess-1',
      cameraId: 7,
      jsep: { type: 'offer', sdp: 'v=0' },
      iceServers: [],
    });
    await vi.waitFor(() => expect(ws.ofType('live.answer')).toHaveLength(1));

    vi.advanceTimersByTime(PRECONNECT_TTL_MS);
    expect(ws.ofType('live.stop')).toEqual([{ type: 'live.stop', sessionId: 'sess-1' }]);
    expect(peer().closed).toBe(true);
    expect(ws.closedWith).toBe(1000);
    expect(claimEarlySession(7)).toBeNull();
  });

  it('settles `connected` when the media path is up, so the app may boot', async () => {
    const early = startLivePreconnect(env('/live/7'));
    const ws = socket();
    await offerFor(ws);
    let settled = false;
    void early?.connected.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    peer().connect();
    await vi.waitFor(() => expect(settled).toBe(true));
  });
});

import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { JanusError } from './janus-errors.js';
import type { JanusHandle } from './janus-handle.js';
import type { IceCandidate, JanusMessage, Jsep } from './janus-http.js';

export interface ViewerEvents {
  /** ICE and DTLS are up: media flows to the browser. */
  webrtcup: [];
  /** Janus tore the PeerConnection down (ICE failed, DTLS alert, `stop`). */
  hangup: [reason: string];
  /** Janus started or stopped sending a stream (`receiving` from Janus's side of the PeerConnection). */
  media: [{ type: string; mid?: string; receiving: boolean }];
  /** Janus saw losses on the PeerConnection (`uplink` true: from the browser to Janus). */
  slowlink: [{ uplink: boolean; mid?: string; lost?: number }];
  /** Janus's own ICE candidate (full trickle: they arrive after the offer); `null` ends them. */
  candidate: [IceCandidate | null];
  /** The viewer is gone (stopped, Janus restarted or the session was lost); it cannot be used again. */
  closed: [reason: string];
}

/**
 * The playout delay each viewer asks for, in Janus's units of 10 ms: none. A live camera is not a film: the
 * browser should show each frame once it is decoded rather than hold frames back to smooth their pacing.
 * Loss is still repaired (a frame waits for its retransmitted packets before it can be decoded).
 */
export const PLAYOUT_DELAY = { min_delay: 0, max_delay: 0 } as const;

/**
 * One browser's subscription to one mountpoint, driven by the server: `watch` → Janus's SDP offer,
 * `start(answer)`, `trickle` the browser's candidates, forward Janus's `candidate` events, `stop` at the end.
 */
export class JanusViewer extends EventEmitter<ViewerEvents> {
  readonly mountpointId: number;
  private readonly handle: JanusHandle;
  private readonly log: FastifyBaseLogger;
  private stopping: Promise<void> | null = null;

  constructor(handle: JanusHandle, mountpointId: number, logger: FastifyBaseLogger) {
    super();
    this.handle = handle;
    this.mountpointId = mountpointId;
    this.log = logger;
    handle.on('event', (message) => this.onEvent(message));
    handle.once('closed', (reason) => this.emit('closed', reason));
  }

  /** Janus's handle id (unique per session). */
  get id(): number {
    return this.handle.id;
  }

  get closed(): boolean {
    return this.handle.closed;
  }

  /**
   * Asks Janus for an SDP offer for the mountpoint's video, then (without waiting) for the playout delay: the
   * offer carries the playout-delay header extension, and each packet then tells the browser this range.
   */
  async watch(): Promise<Jsep> {
    const reply = await this.handle.message({ request: 'watch', id: this.mountpointId, media: ['v'] });
    if (reply.jsep?.type !== 'offer') throw new JanusError('Janus answered "watch" without an SDP offer.');
    this.handle
      .send({ request: 'configure', streams: [{ mid: 'v', ...PLAYOUT_DELAY }] })
      .catch((error: unknown) =>
        // Only the browser's smoothing delay stays as it was; the stream itself is unaffected.
        this.log.debug({ err: error, handleId: this.handle.id }, 'Janus "configure" (playout delay) failed'),
      );
    return reply.jsep;
  }

  /** Hands Janus the browser's SDP answer; media starts once ICE and DTLS are up (`webrtcup`). */
  async start(answer: Jsep): Promise<void> {
    if (answer.type !== 'answer') throw new JanusError('"start" needs an SDP answer.');
    await this.handle.message({ request: 'start' }, answer);
  }

  /** Passes one of the browser's ICE candidates to Janus; `null` says the browser has no more. */
  trickle(candidate: IceCandidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  /** Stops the stream and detaches the handle; safe to call twice and after Janus went away. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    if (this.handle.closed) return;
    try {
      // Only acknowledged: the plugin sends no event at all for a viewer that never started.
      await this.handle.send({ request: 'stop' });
    } catch (error) {
      // Not watching yet, or already hung up: nothing to stop, detaching below still frees the handle.
      this.log.debug({ err: error, handleId: this.handle.id }, 'Janus "stop" failed');
    }
    await this.handle.detach();
  }

  private onEvent(message: JanusMessage): void {
    switch (message.janus) {
      case 'webrtcup':
        this.emit('webrtcup');
        return;
      case 'hangup':
        this.emit('hangup', message.reason ?? 'unknown');
        return;
      case 'media':
        this.emit('media', {
          type: message.type ?? 'video',
          ...(message.mid === undefined ? {} : { mid: message.mid }),
          receiving: message.receiving === true,
        });
        return;
      case 'slowlink':
        this.emit('slowlink', {
          uplink: message.uplink === true,
          ...(message.mid === undefined ? {} : { mid: message.mid }),
          ...(message.lost === undefined ? {} : { lost: message.lost }),
        });
        return;
      case 'trickle': {
        const candidate = message.candidate;
        if (candidate === undefined) return;
        this.emit('candidate', 'completed' in candidate ? null : candidate);
        return;
      }
      default:
        // Plugin status events ("started", "stopped") need no action; keep them for debugging.
        this.log.debug({ janus: message.janus, handleId: this.handle.id }, 'Janus viewer event');
    }
  }
}

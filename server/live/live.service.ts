import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { WebRtcConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { IceCandidate, IceServer, LiveEndReason } from '../ws/protocol.js';
import type { WsClient, WsHub } from '../ws/ws-hub.js';
import type { JanusService } from './janus/janus.service.js';
import type { JanusViewer } from './janus/janus-viewer.js';
import {
  LiveAnswerMessage,
  LiveCandidateMessage,
  LiveStopMessage,
  LiveWatchMessage,
} from '../ws/protocol.js';

/** A browser may watch this many cameras at once on one socket (a wall of tiles, not a flood of handles). */
const MAX_SESSIONS_PER_SOCKET = 32;

interface LiveSession {
  id: string;
  client: WsClient;
  cameraId: number;
  viewer: JanusViewer;
  ended: boolean;
}

/** STUN/TURN servers the browser should use, from the same settings Janus gets. */
export function iceServersFor(webrtc: WebRtcConfig): IceServer[] {
  const servers: IceServer[] = [];
  if (webrtc.stun) servers.push({ urls: [`stun:${webrtc.stun.host}:${webrtc.stun.port}`] });
  if (webrtc.turn) {
    const scheme = webrtc.turn.transport === 'tls' ? 'turns' : 'turn';
    const transport = webrtc.turn.transport === 'tls' ? 'tcp' : webrtc.turn.transport;
    servers.push({
      urls: [`${scheme}:${webrtc.turn.host}:${webrtc.turn.port}?transport=${transport}`],
      username: webrtc.turn.user,
      credential: webrtc.turn.password,
    });
  }
  return servers;
}

/**
 * Live-view signalling over /api/ws. The server holds the single Janus session and one handle per viewer;
 * the browser never talks to Janus's API. Watch → offer → answer → trickle → started; stop; everything a
 * socket opened is stopped when the socket closes.
 */
export function createLiveService(deps: {
  janus: JanusService;
  hub: WsHub;
  /** Whether a camera exists and is switched on. */
  cameraWatchable: (cameraId: number) => Promise<boolean>;
  iceServers: IceServer[];
  /**
   * A viewer's media just started. Janus gives it the keyframe it kept (up to a GOP old) and then frames that
   * refer to ones this viewer never got, so the camera is asked for a fresh keyframe now.
   */
  onViewerStarted: (cameraId: number) => void;
  log: FastifyBaseLogger;
}) {
  const { janus, hub, cameraWatchable, iceServers, onViewerStarted, log } = deps;
  const sessions = new Map<string, LiveSession>();

  const end = (session: LiveSession, reason: LiveEndReason, message?: string) => {
    if (session.ended) return;
    session.ended = true;
    sessions.delete(session.id);
    session.client.send({
      type: 'live.ended',
      sessionId: session.id,
      reason,
      ...(message ? { message } : {}),
    });
    session.viewer.stop().catch((error: unknown) => log.debug({ err: error }, 'stopping a viewer failed'));
  };

  const owned = (client: WsClient, sessionId: string): LiveSession => {
    const session = sessions.get(sessionId);
    // Someone else's session id is treated exactly like an unknown one.
    if (session?.client !== client)
      throw new AppError('LIVE_SESSION_NOT_FOUND', 404, 'No such live session.');
    return session;
  };

  const reply = (client: WsClient, id: string | undefined, error: unknown) => {
    const coded =
      error instanceof AppError ? error : new AppError('SFU_UNAVAILABLE', 503, 'Live view is not available.');
    if (!(error instanceof AppError)) log.error({ err: error }, 'live signalling failed');
    client.send({
      type: 'error',
      code: coded.code,
      message: coded.message,
      ...(id === undefined ? {} : { id }),
    });
  };

  hub.handle('live.watch', LiveWatchMessage, async (client, message) => {
    const began = performance.now();
    try {
      if (!(await cameraWatchable(message.cameraId))) {
        throw new AppError('CAMERA_NOT_FOUND', 404, 'No such camera, or it is switched off.');
      }
      const mine = [...sessions.values()].filter((s) => s.client === client).length;
      if (mine >= MAX_SESSIONS_PER_SOCKET)
        throw new AppError('TOO_MANY_STREAMS', 429, 'Too many cameras open at once.');
      await janus.ensureMountpoint(message.cameraId);
      const checked = performance.now();
      const viewer = await janus.createViewer(message.cameraId);
      const attached = performance.now();
      const session: LiveSession = {
        id: randomUUID(),
        client,
        cameraId: message.cameraId,
        viewer,
        ended: false,
      };
      sessions.set(session.id, session);
      // Janus trickles its candidates as soon as it has them, which can be before `watch` returns the offer;
      // the browser cannot use a candidate for a session it has not heard of, so they wait for the offer.
      let early: (IceCandidate | null)[] | null = [];
      const forward = (candidate: IceCandidate | null) =>
        client.send({ type: 'live.candidate', sessionId: session.id, candidate });
      viewer.on('candidate', (candidate) => {
        if (early) early.push(candidate);
        else forward(candidate);
      });
      viewer.on('webrtcup', () => {
        onViewerStarted(session.cameraId);
        client.send({ type: 'live.started', sessionId: session.id });
      });
      viewer.on('hangup', (reason) => end(session, 'hangup', reason));
      viewer.on('closed', () => end(session, 'sfu-restarted'));
      const jsep = await viewer.watch();
      client.send({
        type: 'live.offer',
        id: message.id,
        sessionId: session.id,
        cameraId: message.cameraId,
        jsep: { type: 'offer', sdp: jsep.sdp },
        iceServers,
      });
      for (const candidate of early) forward(candidate);
      early = null;
      // Where a slow first picture spends its time on the server (bench:live reads these at debug level).
      log.debug(
        {
          cameraId: message.cameraId,
          checkMs: Math.round(checked - began),
          attachMs: Math.round(attached - checked),
          watchMs: Math.round(performance.now() - attached),
        },
        'live offer sent',
      );
    } catch (error) {
      reply(client, message.id, error);
    }
  });

  hub.handle('live.answer', LiveAnswerMessage, async (client, message) => {
    try {
      await owned(client, message.sessionId).viewer.start(message.jsep);
    } catch (error) {
      reply(client, undefined, error);
    }
  });

  hub.handle('live.candidate', LiveCandidateMessage, async (client, message) => {
    try {
      const candidate = message.candidate;
      await owned(client, message.sessionId).viewer.trickle(
        candidate === null
          ? null
          : {
              candidate: candidate.candidate,
              ...(candidate.sdpMid == null ? {} : { sdpMid: candidate.sdpMid }),
              ...(candidate.sdpMLineIndex == null ? {} : { sdpMLineIndex: candidate.sdpMLineIndex }),
            },
      );
    } catch (error) {
      reply(client, undefined, error);
    }
  });

  hub.handle('live.stop', LiveStopMessage, (client, message) => {
    const session = sessions.get(message.sessionId);
    if (session?.client === client) end(session, 'stopped');
  });

  hub.onDisconnect((client) => {
    for (const session of [...sessions.values()]) if (session.client === client) end(session, 'stopped');
  });

  return {
    /** Tells the camera's viewers it is gone (before its mountpoint is destroyed). */
    cameraRemoved: (cameraId: number) => {
      for (const session of [...sessions.values()])
        if (session.cameraId === cameraId) end(session, 'camera-removed');
    },
    get sessions(): number {
      return sessions.size;
    },
  };
}
export type LiveService = ReturnType<typeof createLiveService>;

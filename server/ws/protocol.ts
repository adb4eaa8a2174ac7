import { Type } from 'typebox';
import type { Role } from '../db/schema.js';

/** Close code: the session behind this socket ended (logout, password change, user removed, expiry). */
export const CLOSE_SESSION_ENDED = 4001;
/** Close code: the user's role changed; reconnect to get the new one. */
export const CLOSE_ROLE_CHANGED = 4002;
/** Largest client message accepted, in bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/** An SDP offer or answer, as RTCSessionDescriptionInit. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** An ICE candidate, as RTCIceCandidateInit; null marks the end of candidates. */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** STUN/TURN servers for the browser's RTCPeerConnection, as RTCIceServer. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Why a live session ended. `sfu-restarted` and `camera-restarted` mean: watch again. */
export type LiveEndReason = 'stopped' | 'camera-removed' | 'sfu-restarted' | 'hangup' | 'error';

/** Everything the server sends on /api/ws. Features add variants here as they land. */
export type ServerMessage =
  | { type: 'hello'; user: { id: number; username: string; role: Role } }
  | { type: 'pong'; id: string }
  | { type: 'error'; code: string; message: string; id?: string }
  | { type: 'session.revoked' }
  | { type: 'event'; topic: string; data: unknown }
  /** Answer to live.watch (same id): the SFU's offer for this camera. */
  | {
      type: 'live.offer';
      id: string;
      sessionId: string;
      cameraId: number;
      jsep: Jsep;
      iceServers: IceServer[];
    }
  /** A candidate trickled by the SFU (null: no more). */
  | { type: 'live.candidate'; sessionId: string; candidate: IceCandidate | null }
  /** Media is flowing (the SFU reported webrtcup). */
  | { type: 'live.started'; sessionId: string }
  | { type: 'live.ended'; sessionId: string; reason: LiveEndReason; message?: string };

const Candidate = Type.Union([
  Type.Object(
    {
      candidate: Type.String({ maxLength: 1024 }),
      sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
      sdpMLineIndex: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 64 }), Type.Null()])),
    },
    { additionalProperties: true },
  ),
  Type.Null(),
]);
const SessionId = Type.String({ minLength: 1, maxLength: 64 });

/** Client → server: start watching a camera; answered by live.offer with the same id, or error with that id. */
export const LiveWatchMessage = Type.Object(
  {
    type: Type.Literal('live.watch'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    cameraId: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
/** Client → server: the browser's answer to live.offer. */
export const LiveAnswerMessage = Type.Object(
  {
    type: Type.Literal('live.answer'),
    sessionId: SessionId,
    jsep: Type.Object({ type: Type.Literal('answer'), sdp: Type.String({ maxLength: 65536 }) }),
  },
  { additionalProperties: false },
);
/** Client → server: one of the browser's ICE candidates (null: no more). */
export const LiveCandidateMessage = Type.Object(
  { type: Type.Literal('live.candidate'), sessionId: SessionId, candidate: Candidate },
  { additionalProperties: false },
);
/** Client → server: stop watching. */
export const LiveStopMessage = Type.Object(
  { type: Type.Literal('live.stop'), sessionId: SessionId },
  { additionalProperties: false },
);

/** Client → server: keeps the session alive and measures round trips. */
export const PingMessage = Type.Object(
  { type: Type.Literal('ping'), id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

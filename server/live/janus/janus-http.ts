import { randomBytes } from 'node:crypto';
import { JanusError } from './janus-errors.js';

/** How to reach one running Janus: its HTTP API base (`http://127.0.0.1:<port>/janus`) and its API secret. */
export interface JanusEndpoint {
  readonly url: string;
  readonly apiSecret: string;
}

/** An SDP as Janus and `RTCSessionDescriptionInit` spell it. */
export interface Jsep {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** A trickled ICE candidate, as `RTCIceCandidateInit` spells it. */
export interface IceCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
}

/** One Janus API message (a response or an event); only the fields Vigil reads are typed. */
export interface JanusMessage {
  readonly janus: string;
  readonly transaction?: string;
  readonly session_id?: number;
  /** The handle an event is about. */
  readonly sender?: number;
  readonly data?: { readonly id?: number };
  readonly error?: { readonly code: number; readonly reason: string };
  readonly plugindata?: { readonly plugin: string; readonly data: Readonly<Record<string, unknown>> };
  readonly jsep?: Jsep;
  /** `trickle` events: a candidate, or `{ completed: true }`. */
  readonly candidate?: IceCandidate | { readonly completed: true };
  /** `hangup` events. */
  readonly reason?: string;
  /** `media` events: audio or video. */
  readonly type?: string;
  readonly receiving?: boolean;
  readonly mid?: string;
  /** `slowlink` events. */
  readonly uplink?: boolean;
  readonly lost?: number;
}

export const newTransaction = () => randomBytes(9).toString('base64url');

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JanusError(`Janus sent malformed JSON to ${what}.`, { cause: error });
  }
}

function asMessage(value: unknown, what: string): JanusMessage {
  if (typeof value !== 'object' || value === null || typeof (value as { janus?: unknown }).janus !== 'string')
    throw new JanusError(`Janus sent an unexpected reply to ${what}.`);
  const message = value as JanusMessage;
  if (message.janus === 'error') {
    const code = message.error?.code;
    throw new JanusError(`Janus refused ${what}: ${message.error?.reason ?? 'no reason given'}.`, {
      ...(code === undefined ? {} : { janusCode: code }),
    });
  }
  return message;
}

/**
 * POSTs one Janus API request (`body.janus` is the verb) to `<url><path>` with a fresh transaction id and the
 * API secret. Rejects with a JanusError on a network failure, a timeout or a Janus `error` reply.
 */
export async function janusPost(
  endpoint: JanusEndpoint,
  path: string,
  body: { readonly janus: string; readonly [key: string]: unknown },
  options: { timeoutMs?: number; transaction?: string } = {},
): Promise<JanusMessage> {
  const transaction = options.transaction ?? newTransaction();
  // `what` names the verb and the plugin request only: never the body, which may carry keys.
  const request = (body as { body?: { request?: unknown } }).body?.request;
  const what = `"${body.janus}${typeof request === 'string' ? ` ${request}` : ''}"`;
  let text: string;
  try {
    const response = await fetch(endpoint.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, transaction, apisecret: endpoint.apiSecret }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (error) {
    throw new JanusError(`Janus API unreachable for ${what}.`, { cause: error });
  }
  const message = asMessage(parse(text, what), what);
  if (message.transaction !== undefined && message.transaction !== transaction)
    throw new JanusError(`Janus answered ${what} with another transaction.`);
  return message;
}

/**
 * One long poll on a session: waits (Janus holds it up to 30 s) for up to `maxEvents` events. An empty array
 * means nothing happened. Rejects with a JanusError carrying `janusCode` 458 when the session is gone.
 */
export async function janusPoll(
  endpoint: JanusEndpoint,
  sessionId: number,
  signal: AbortSignal,
  maxEvents = 10,
): Promise<JanusMessage[]> {
  const query = new URLSearchParams({
    maxev: String(maxEvents),
    rid: String(Date.now()),
    apisecret: endpoint.apiSecret,
  });
  let text: string;
  try {
    const response = await fetch(`${endpoint.url}/${sessionId}?${query.toString()}`, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(45_000)]),
    });
    text = await response.text();
  } catch (error) {
    throw new JanusError('Janus API unreachable for the event poll.', { cause: error });
  }
  const value = parse(text, 'the event poll');
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list
    .map((item) => asMessage(item, 'the event poll'))
    .filter((message) => message.janus !== 'keepalive');
}

/** GET `<url>/info`: answers (without the API secret) once Janus's HTTP transport is up. */
export async function janusInfo(url: string, timeoutMs = 1000): Promise<JanusMessage> {
  let text: string;
  try {
    const response = await fetch(`${url}/info`, { signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    throw new JanusError('Janus API unreachable for "info".', { cause: error });
  }
  return asMessage(parse(text, '"info"'), '"info"');
}

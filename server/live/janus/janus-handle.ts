import { EventEmitter } from 'node:events';
import { JANUS_CODE, JanusError } from './janus-errors.js';
import { newTransaction, type IceCandidate, type JanusMessage, type Jsep } from './janus-http.js';

/** A plugin's answer to a message: its `data`, plus an SDP when it sent one. */
export interface PluginReply {
  readonly data: Readonly<Record<string, unknown>>;
  readonly jsep?: Jsep;
}

/** What a handle needs from the client that owns its session. */
export interface HandleSession {
  readonly sessionId: number;
  post(
    path: string,
    body: { janus: string; [key: string]: unknown },
    transaction?: string,
  ): Promise<JanusMessage>;
  /** Resolves with the event Janus sends later for an acknowledged (asynchronous) request. */
  expect(transaction: string): { promise: Promise<JanusMessage>; cancel(): void };
}

export interface JanusHandleEvents {
  /** Any event Janus sends for this handle that is not the answer to one of our requests. */
  event: [JanusMessage];
  /** The handle is gone (detached, hung up by a session loss, or Janus restarted). Emitted once. */
  closed: [reason: string];
}

/** Turns a plugin's reply into data, or into a JanusError when the plugin reports `error_code`. */
export function pluginReply(message: JanusMessage, what: string): PluginReply {
  const data = message.plugindata?.data;
  if (data === undefined) throw new JanusError(`Janus sent no plugin data for ${what}.`);
  const code = data.error_code;
  if (typeof code === 'number') {
    const reason = typeof data.error === 'string' ? data.error : 'no reason given';
    throw new JanusError(`Janus plugin refused ${what}: ${reason}.`, { pluginCode: code });
  }
  return message.jsep === undefined ? { data } : { data, jsep: message.jsep };
}

/** One attached plugin handle inside the client's session. */
export class JanusHandle extends EventEmitter<JanusHandleEvents> {
  readonly id: number;
  private readonly session: HandleSession;
  private closedReason: string | null = null;

  constructor(session: HandleSession, id: number) {
    super();
    this.session = session;
    this.id = id;
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  private get path(): string {
    return `/${this.session.sessionId}/${this.id}`;
  }

  /**
   * Sends a plugin message and resolves with the plugin's answer, whether Janus answers at once (synchronous
   * requests such as `create`) or acknowledges and answers with an event (`watch`, `start`, `stop`).
   */
  async message(body: { request: string; [key: string]: unknown }, jsep?: Jsep): Promise<PluginReply> {
    const what = `"${body.request}"`;
    if (this.closed)
      throw new JanusError(`Janus handle is closed (${this.closedReason ?? ''}); cannot send ${what}.`);
    const transaction = newTransaction();
    // Registered before sending: the event may come back on the long poll before the POST's own reply.
    const later = this.session.expect(transaction);
    let reply: JanusMessage;
    try {
      reply = await this.session.post(
        this.path,
        jsep === undefined ? { janus: 'message', body } : { janus: 'message', body, jsep },
        transaction,
      );
    } catch (error) {
      later.cancel();
      if (error instanceof JanusError && error.janusCode === JANUS_CODE.handleNotFound)
        this.markClosed('gone');
      throw error;
    }
    if (reply.janus === 'ack') return pluginReply(await later.promise, what);
    later.cancel();
    return pluginReply(reply, what);
  }

  /**
   * Sends a plugin message without waiting for the plugin's event: Janus's acknowledgement is enough. For
   * requests the plugin may answer late or never (the Streaming plugin sends nothing for `stop` before `start`).
   */
  async send(body: { request: string; [key: string]: unknown }): Promise<void> {
    if (this.closed) return;
    const reply = await this.session.post(this.path, { janus: 'message', body });
    if (reply.janus !== 'ack') pluginReply(reply, `"${body.request}"`);
  }

  /** Sends one ICE candidate, or end-of-candidates for `null`. */
  async trickle(candidate: IceCandidate | null): Promise<void> {
    if (this.closed) return;
    await this.session.post(this.path, {
      janus: 'trickle',
      candidate: candidate === null ? { completed: true } : candidate,
    });
  }

  /** Detaches from the plugin (Janus hangs up its PeerConnection); safe to call twice. */
  async detach(): Promise<void> {
    if (this.closed) return;
    try {
      await this.session.post(this.path, { janus: 'detach' });
    } catch (error) {
      // A handle or session Janus no longer knows is detached already; anything else is worth reporting.
      const code = error instanceof JanusError ? error.janusCode : undefined;
      if (code !== JANUS_CODE.handleNotFound && code !== JANUS_CODE.sessionNotFound) {
        this.markClosed('detached');
        throw error;
      }
    }
    this.markClosed('detached');
  }

  /** Called by the client: an event for this handle arrived on the long poll. */
  dispatch(message: JanusMessage): void {
    if (message.janus === 'detached') {
      this.markClosed('detached');
      return;
    }
    this.emit('event', message);
  }

  /** Called by the client when the handle cannot live on (session lost, Janus restarted, detached). */
  markClosed(reason: string): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.emit('closed', reason);
  }
}

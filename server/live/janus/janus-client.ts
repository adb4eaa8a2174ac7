import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { JANUS_CODE, JanusError, JanusStateError } from './janus-errors.js';
import { JanusHandle, type HandleSession } from './janus-handle.js';
import { janusPoll, janusPost, type JanusEndpoint, type JanusMessage } from './janus-http.js';

export interface JanusClientOptions {
  /** The current endpoint; read whenever a session is created, so a restarted Janus is found. */
  readonly endpoint: () => JanusEndpoint;
  readonly logger: FastifyBaseLogger;
  /** Keepalive period, ms; default 25000 (Janus drops a session after 60 s without requests). */
  readonly keepaliveMs?: number;
  /** Timeout of each HTTP request, ms; default 10000. */
  readonly requestTimeoutMs?: number;
  /** How long to wait for the event answering an acknowledged request, ms; default 15000. */
  readonly eventTimeoutMs?: number;
}

export interface JanusClientEvents {
  /** The session is gone (Janus restarted or expired it, or `reset`); every handle of it has closed. */
  'session-lost': [reason: string];
}

interface Waiter {
  resolve(message: JanusMessage): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/** One Janus session with its keepalive, its long-poll loop and its handles. */
class Session implements HandleSession {
  readonly handles = new Map<number, JanusHandle>();
  readonly waiters = new Map<string, Waiter>();
  readonly poll = new AbortController();
  keepalive: NodeJS.Timeout | null = null;
  readonly sessionId: number;
  private readonly client: JanusClient;
  readonly endpoint: JanusEndpoint;

  constructor(client: JanusClient, endpoint: JanusEndpoint, sessionId: number) {
    this.client = client;
    this.endpoint = endpoint;
    this.sessionId = sessionId;
  }

  post(path: string, body: { janus: string; [key: string]: unknown }, transaction?: string) {
    return this.client.post(this, path, body, transaction);
  }

  expect(transaction: string) {
    let waiter: Waiter | undefined;
    const promise = new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(transaction);
        reject(new JanusError('Janus did not answer an asynchronous request in time.'));
      }, this.client.eventTimeoutMs);
      waiter = { resolve, reject, timer };
      this.waiters.set(transaction, waiter);
    });
    // The caller awaits this only once the POST was acknowledged; a rejection before that (session lost while
    // posting) reaches the caller through the POST's own failure, so it must not count as unhandled.
    promise.catch(() => undefined);
    return {
      promise,
      cancel: () => {
        if (waiter !== undefined) clearTimeout(waiter.timer);
        this.waiters.delete(transaction);
      },
    };
  }
}

/**
 * The Janus HTTP API client: one long-lived session (created on first use, recreated after Janus says it is
 * gone), a keepalive every 25 s, and a long-poll loop (`GET /janus/<session>?maxev=10`) that routes events to
 * handles and answers asynchronous requests. Every request carries the API secret; no message holds it.
 */
export class JanusClient extends EventEmitter<JanusClientEvents> {
  readonly eventTimeoutMs: number;
  private readonly options: JanusClientOptions;
  private readonly log: FastifyBaseLogger;
  private session: Session | null = null;
  private creating: Promise<Session> | null = null;
  private generation = 0;
  private closed = false;

  constructor(options: JanusClientOptions) {
    super();
    this.options = options;
    this.log = options.logger.child({ component: 'janus-client' });
    this.eventTimeoutMs = options.eventTimeoutMs ?? 15_000;
  }

  /** The current session id, if one exists (for tests and diagnostics). */
  get sessionId(): number | null {
    return this.session?.sessionId ?? null;
  }

  /** Attaches a handle to `plugin` (e.g. `janus.plugin.streaming`) in the session, creating the session if needed. */
  async attach(plugin: string): Promise<JanusHandle> {
    const session = await this.ensureSession();
    const reply = await this.post(session, `/${session.sessionId}`, { janus: 'attach', plugin });
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError('Janus sent no handle id for "attach".');
    if (this.session !== session) {
      // The session was lost while attaching: the new handle died with it.
      throw new JanusError('Janus session was lost while attaching.');
    }
    const handle = new JanusHandle(session, id);
    session.handles.set(id, handle);
    handle.once('closed', () => session.handles.delete(id));
    return handle;
  }

  /** Forgets the session without asking Janus (it is gone or about to be): every handle closes with `reason`. */
  reset(reason: string): void {
    this.generation++;
    const session = this.session;
    if (session === null) return;
    this.session = null;
    session.poll.abort();
    if (session.keepalive !== null) clearInterval(session.keepalive);
    for (const waiter of session.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new JanusError(`Janus session lost (${reason}).`));
    }
    session.waiters.clear();
    for (const handle of [...session.handles.values()]) handle.markClosed(reason);
    this.log.info({ sessionId: session.sessionId, reason }, 'Janus session dropped');
    this.emit('session-lost', reason);
  }

  /** Destroys the session in Janus (best effort) and stops; later calls throw a JanusStateError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    if (session !== null) {
      try {
        await janusPost(session.endpoint, `/${session.sessionId}`, { janus: 'destroy' }, { timeoutMs: 2000 });
      } catch (error) {
        // Janus may already be gone (closing together with the process); the session dies with it.
        this.log.debug({ err: error }, 'Janus session destroy failed');
      }
    }
    this.reset('closed');
  }

  /** POSTs within a session; a "no such session" answer drops the session so the next use makes a new one. */
  async post(
    session: Session,
    path: string,
    body: { janus: string; [key: string]: unknown },
    transaction?: string,
  ): Promise<JanusMessage> {
    if (this.session !== session) throw new JanusError('Janus session was lost.');
    try {
      return await janusPost(session.endpoint, path, body, {
        timeoutMs: this.options.requestTimeoutMs ?? 10_000,
        ...(transaction === undefined ? {} : { transaction }),
      });
    } catch (error) {
      if (
        error instanceof JanusError &&
        error.janusCode === JANUS_CODE.sessionNotFound &&
        this.session === session
      )
        this.reset('session-expired');
      throw error;
    }
  }

  private ensureSession(): Promise<Session> {
    if (this.closed) return Promise.reject(new JanusStateError('The Janus client is closed.'));
    if (this.session !== null) return Promise.resolve(this.session);
    this.creating ??= this.createSession().finally(() => (this.creating = null));
    return this.creating;
  }

  private async createSession(): Promise<Session> {
    const generation = this.generation;
    const endpoint = this.options.endpoint();
    const reply = await janusPost(
      endpoint,
      '',
      { janus: 'create' },
      {
        timeoutMs: this.options.requestTimeoutMs ?? 10_000,
      },
    );
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError('Janus sent no session id for "create".');
    if (generation !== this.generation || this.closed) {
      // Janus restarted (or we closed) meanwhile: this session belongs to a process that is gone.
      throw new JanusError('Janus restarted while a session was being created.');
    }
    const session = new Session(this, endpoint, id);
    this.session = session;
    session.keepalive = setInterval(() => this.keepalive(session), this.options.keepaliveMs ?? 25_000);
    session.keepalive.unref();
    this.pollLoop(session).catch((error: unknown) =>
      this.log.error({ err: error }, 'Janus poll loop failed'),
    );
    this.log.debug({ sessionId: id }, 'Janus session created');
    return session;
  }

  private keepalive(session: Session): void {
    this.post(session, `/${session.sessionId}`, { janus: 'keepalive' }).catch((error: unknown) => {
      // A missed keepalive is retried on the next tick; a lost session was already dropped by `post`.
      this.log.debug({ err: error }, 'Janus keepalive failed');
    });
  }

  private async pollLoop(session: Session): Promise<void> {
    let failures = 0;
    while (this.isCurrent(session)) {
      let events: JanusMessage[];
      try {
        events = await janusPoll(session.endpoint, session.sessionId, session.poll.signal);
        failures = 0;
      } catch (error) {
        if (!this.isCurrent(session)) return;
        if (error instanceof JanusError && error.janusCode === JANUS_CODE.sessionNotFound) {
          this.reset('session-expired');
          return;
        }
        failures++;
        // Janus is down or restarting: the supervisor brings it back and `reset` ends this loop.
        if (failures === 1) this.log.warn({ err: error }, 'Janus event poll failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * failures, 5000)));
        continue;
      }
      for (const event of events) this.dispatch(session, event);
    }
  }

  /** A method, so TypeScript does not narrow `this.session` across the awaits of the poll loop. */
  private isCurrent(session: Session): boolean {
    return this.session === session && !session.poll.signal.aborted;
  }

  private dispatch(session: Session, event: JanusMessage): void {
    if (this.session !== session) return;
    if (event.janus === 'timeout') {
      this.reset('session-expired');
      return;
    }
    const waiter = event.transaction === undefined ? undefined : session.waiters.get(event.transaction);
    if (waiter !== undefined && event.transaction !== undefined && event.janus === 'event') {
      session.waiters.delete(event.transaction);
      clearTimeout(waiter.timer);
      waiter.resolve(event);
      return;
    }
    const handle = event.sender === undefined ? undefined : session.handles.get(event.sender);
    if (handle === undefined) {
      this.log.debug({ janus: event.janus, sender: event.sender }, 'Janus event for no known handle');
      return;
    }
    handle.dispatch(event);
  }
}

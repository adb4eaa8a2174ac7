// The live connection to /api/ws. It is open exactly while someone is signed in: it connects after login,
// reconnects with back-off (1 s doubling to 30 s) when dropped, pings to notice dead links, and ends the
// session in the UI when the server revokes it. After a role change (close 4002) it reconnects at once, and
// the new hello brings the new role.
//
// Features talk over it with `send` (fire and forget), `request` (a promise for the answer with the same id)
// and `on` (every message of one type). Requests still waiting when a socket closes are rejected with
// LIVE_DISCONNECTED; `connectionId` changes with every new greeted connection, so features can tell that the
// server forgot whatever they had set up on the previous one.
import { defineStore, storeToRefs } from 'pinia';
import { ref, watch } from 'vue';
import { LiveError } from '../api/live-error';
import type {
  LiveClientMessage,
  LiveServerMessage,
  LiveServerMessageOf,
  LiveServerMessageType,
} from '../api/types';
import {
  CLOSE_ROLE_CHANGED,
  CLOSE_SESSION_REVOKED,
  liveSocketUrl,
  parseServerMessage,
  reconnectDelayMs,
} from '../lib/live-protocol';
import { isEarlyMessage, takeEarlySocket } from '../lib/live-preconnect';
import { PendingRequests } from '../lib/pending-requests';
import { randomId } from '../lib/secure-context';
import { useAuthStore } from '../stores/use-auth-store';

/** `offline` only while signed out; a signed-in user sees `connected` or `reconnecting`. */
export type LiveStatus = 'offline' | 'connected' | 'reconnecting';

/** Time between pings, in milliseconds; a ping unanswered by the next one counts as a dead connection. */
export const PING_INTERVAL_MS = 25_000;

type AnyHandler = (message: LiveServerMessage) => void;

const disconnected = () => new LiveError('LIVE_DISCONNECTED', 'The live connection is not open.');

export const useLiveSocket = defineStore('live-socket', () => {
  const auth = useAuthStore();
  const { user } = storeToRefs(auth);
  const status = ref<LiveStatus>('offline');
  /** Counts greeted connections; a new value means a new socket, on which the server knows nothing of ours. */
  const connectionId = ref(0);
  const pending = new PendingRequests();
  const handlers = new Map<LiveServerMessageType, Set<AnyHandler>>();

  let wanted = false;
  let socket: WebSocket | null = null;
  let greeted = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let awaitingPong: string | null = null;

  function stopHeartbeat(): void {
    clearInterval(pingTimer);
    pingTimer = undefined;
    awaitingPong = null;
  }

  /** Stops listening to the current socket and closes it; its late events are ignored. */
  function detach(): void {
    const ws = socket;
    socket = null;
    greeted = false;
    stopHeartbeat();
    pending.rejectAll(disconnected());
    if (ws && ws.readyState < WebSocket.CLOSING) ws.close(1000);
  }

  function emit(message: LiveServerMessage): void {
    for (const handler of handlers.get(message.type) ?? []) {
      try {
        handler(message);
      } catch (err) {
        // One feature's bug must not stop the others from getting the message.
        console.error(`A handler for "${message.type}" failed`, err);
      }
    }
  }

  /** Sends `message` if the socket is open and greeted; returns whether it went out. */
  function send(message: LiveClientMessage): boolean {
    const ws = socket;
    if (ws === null || !greeted || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * Sends `message` and resolves with the server's `reply`-typed answer carrying the same id. Rejects with a
   * LiveError: the server's code for an `error` answer, TIMEOUT, or LIVE_DISCONNECTED when the socket is not
   * open or closes first.
   */
  function request<T extends LiveServerMessageType>(
    message: Extract<LiveClientMessage, { id: string }>,
    reply: T,
    timeoutMs?: number,
  ): Promise<LiveServerMessageOf<T>> {
    if (socket === null || !greeted) return Promise.reject(disconnected());
    const answer = pending.wait(message.id, reply, timeoutMs);
    if (!send(message)) pending.cancel(message.id, disconnected());
    return answer;
  }

  /** Calls `handler` with every message of `type` until the returned function is called. */
  function on<T extends LiveServerMessageType>(
    type: T,
    handler: (message: LiveServerMessageOf<T>) => void,
  ): () => void {
    let set = handlers.get(type);
    if (!set) {
      set = new Set();
      handlers.set(type, set);
    }
    // emit() only passes messages of `type` to this set, so the handler sees the type it asked for.
    const entry = handler as AnyHandler;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  function scheduleReconnect(): void {
    if (!wanted) return;
    status.value = 'reconnecting';
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(open, reconnectDelayMs(attempt));
    attempt += 1;
  }

  function startHeartbeat(ws: WebSocket): void {
    stopHeartbeat();
    pingTimer = setInterval(() => {
      if (socket !== ws) return;
      if (awaitingPong !== null) {
        // No pong for a whole interval: the link is dead even if the browser has not noticed yet.
        detach();
        scheduleReconnect();
        return;
      }
      awaitingPong = randomId();
      const ping: LiveClientMessage = { type: 'ping', id: awaitingPong };
      ws.send(JSON.stringify(ping));
    }, PING_INTERVAL_MS);
  }

  async function handleRevoked(): Promise<void> {
    status.value = 'reconnecting';
    // A password change revokes the old session but the browser already holds the new cookie; ask first.
    const check = await auth.verifySession();
    if (!wanted) return;
    if (check === 'valid') scheduleReconnect();
    else auth.clear('revoked');
  }

  /** The handshake was refused or the server is down: find out whether our session is the reason. */
  async function handleNeverGreeted(): Promise<void> {
    const check = await auth.verifySession();
    if (!wanted) return;
    if (check === 'invalid') auth.clear('expired');
    else scheduleReconnect();
  }

  function onMessage(ws: WebSocket, data: unknown): void {
    const message = parseServerMessage(data);
    // The answers and pushes of a camera page's early session are its own until the viewer adopts it.
    if (message === null || isEarlyMessage(message)) return;
    switch (message.type) {
      case 'hello':
        greeted = true;
        attempt = 0;
        status.value = 'connected';
        // After a role change the server closes with 4002; the new hello carries the new role.
        auth.refresh(message.user);
        startHeartbeat(ws);
        connectionId.value += 1;
        break;
      case 'pong':
        if (message.id === awaitingPong) awaitingPong = null;
        break;
      case 'session.revoked':
        detach();
        void handleRevoked();
        return;
      case 'error':
        if (!pending.settle(message)) console.warn('The live connection reported an error', message);
        break;
      case 'live.offer':
        pending.settle(message);
        break;
      case 'event':
      case 'live.candidate':
      case 'live.started':
      case 'live.ended':
        // Pushes: they belong to whoever subscribed with on().
        break;
    }
    emit(message);
  }

  function onClose(code: number): void {
    const wasGreeted = greeted;
    socket = null;
    greeted = false;
    stopHeartbeat();
    pending.rejectAll(disconnected());
    if (!wanted) return;
    if (code === CLOSE_SESSION_REVOKED) void handleRevoked();
    else if (code === CLOSE_ROLE_CHANGED) open();
    else if (wasGreeted) scheduleReconnect();
    else void handleNeverGreeted();
  }

  function open(): void {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (!wanted || socket !== null) return;
    if (status.value !== 'connected') status.value = 'reconnecting';
    // A camera page opened from a bookmark already has a socket, opened before the app booted.
    const early = takeEarlySocket();
    const ws = early?.socket ?? new WebSocket(liveSocketUrl(window.location));
    socket = ws;
    greeted = false;
    ws.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (socket === ws) onMessage(ws, event.data);
    });
    // An 'error' event is always followed by 'close', which does all the work.
    ws.addEventListener('close', (event) => {
      if (socket === ws) onClose(event.code);
    });
    for (const data of early?.buffered ?? []) if (socket === ws) onMessage(ws, data);
  }

  function start(): void {
    wanted = true;
    attempt = 0;
    open();
  }

  function stop(): void {
    wanted = false;
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    detach();
    attempt = 0;
    status.value = 'offline';
  }

  // Back online after a network change: retry now instead of waiting out the back-off.
  window.addEventListener('online', () => {
    if (wanted && socket === null) {
      attempt = 0;
      open();
    }
  });

  watch(
    () => user.value?.id,
    (id, previous) => {
      if (previous !== undefined) stop();
      if (id !== undefined) start();
    },
    { immediate: true },
  );

  return { status, connectionId, send, request, on };
});

// The live connection to /api/ws. It is open exactly while someone is signed in: it connects after login,
// reconnects with back-off (1 s doubling to 30 s) when dropped, pings to notice dead links, and ends the
// session in the UI when the server revokes it. After a role change (close 4002) it reconnects at once, and
// the new hello brings the new role.
import { defineStore, storeToRefs } from 'pinia';
import { ref, watch } from 'vue';
import type { LiveClientMessage } from '../api/types';
import {
  CLOSE_ROLE_CHANGED,
  CLOSE_SESSION_REVOKED,
  liveSocketUrl,
  parseServerMessage,
  reconnectDelayMs,
} from '../lib/live-protocol';
import { randomId } from '../lib/secure-context';
import { useAuthStore } from '../stores/use-auth-store';

/** `offline` only while signed out; a signed-in user sees `connected` or `reconnecting`. */
export type LiveStatus = 'offline' | 'connected' | 'reconnecting';

/** Time between pings, in milliseconds; a ping unanswered by the next one counts as a dead connection. */
export const PING_INTERVAL_MS = 25_000;

export const useLiveSocket = defineStore('live-socket', () => {
  const auth = useAuthStore();
  const { user } = storeToRefs(auth);
  const status = ref<LiveStatus>('offline');

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
    if (ws && ws.readyState < WebSocket.CLOSING) ws.close(1000);
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
    if (message === null) return;
    switch (message.type) {
      case 'hello':
        greeted = true;
        attempt = 0;
        status.value = 'connected';
        // After a role change the server closes with 4002; the new hello carries the new role.
        auth.refresh(message.user);
        startHeartbeat(ws);
        break;
      case 'pong':
        if (message.id === awaitingPong) awaitingPong = null;
        break;
      case 'session.revoked':
        detach();
        void handleRevoked();
        break;
      case 'error':
      case 'event':
        // Feature pushes and per-message errors belong to the pages that subscribe to them (none yet).
        break;
    }
  }

  function onClose(code: number): void {
    const wasGreeted = greeted;
    socket = null;
    greeted = false;
    stopHeartbeat();
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
    const ws = new WebSocket(liveSocketUrl(window.location));
    socket = ws;
    greeted = false;
    ws.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (socket === ws) onMessage(ws, event.data);
    });
    // An 'error' event is always followed by 'close', which does all the work.
    ws.addEventListener('close', (event) => {
      if (socket === ws) onClose(event.code);
    });
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

  return { status };
});

import { describe, expect, it } from 'vitest';
import { liveSocketUrl, parseServerMessage, reconnectDelayMs, RECONNECT_MAX_MS } from './live-protocol';

describe('liveSocketUrl', () => {
  it('uses wss: under https: and ws: under http:', () => {
    expect(liveSocketUrl({ protocol: 'https:', host: 'vigil.local' })).toBe('wss://vigil.local/api/ws');
    expect(liveSocketUrl({ protocol: 'http:', host: '192.168.1.20:8080' })).toBe(
      'ws://192.168.1.20:8080/api/ws',
    );
  });
});

describe('reconnectDelayMs', () => {
  it('starts at one second and doubles up to thirty', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(reconnectDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('stays capped after a very long outage', () => {
    expect(reconnectDelayMs(10_000)).toBe(RECONNECT_MAX_MS);
  });
});

describe('parseServerMessage', () => {
  it('reads hello, pong and session.revoked', () => {
    expect(parseServerMessage('{"type":"hello","user":{"id":1,"username":"alice","role":"admin"}}')).toEqual({
      type: 'hello',
      user: { id: 1, username: 'alice', role: 'admin' },
    });
    expect(parseServerMessage('{"type":"pong","id":"abc"}')).toEqual({ type: 'pong', id: 'abc' });
    expect(parseServerMessage('{"type":"session.revoked"}')).toEqual({ type: 'session.revoked' });
  });

  it('drops anything else', () => {
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage('null')).toBeNull();
    expect(parseServerMessage('{"type":"camera.motion"}')).toBeNull();
    expect(parseServerMessage('{"type":"pong"}')).toBeNull();
    expect(parseServerMessage('{"type":"hello","user":{"id":1,"username":"a","role":"root"}}')).toBeNull();
    expect(parseServerMessage(new ArrayBuffer(4))).toBeNull();
  });
});

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

describe('parseServerMessage: errors, events and live video', () => {
  it('reads errors with and without a request id', () => {
    expect(parseServerMessage('{"type":"error","id":"r1","code":"CAMERA_OFFLINE","message":"down"}')).toEqual(
      {
        type: 'error',
        id: 'r1',
        code: 'CAMERA_OFFLINE',
        message: 'down',
      },
    );
    expect(parseServerMessage('{"type":"error","code":"INVALID_MESSAGE","message":"no"}')).toEqual({
      type: 'error',
      code: 'INVALID_MESSAGE',
      message: 'no',
    });
    expect(parseServerMessage('{"type":"error","code":"X"}')).toBeNull();
  });

  it('reads events', () => {
    expect(parseServerMessage('{"type":"event","topic":"camera.status","data":{"id":1}}')).toEqual({
      type: 'event',
      topic: 'camera.status',
      data: { id: 1 },
    });
  });

  it('reads an offer, normalising a single ICE url to a list', () => {
    const offer = {
      type: 'live.offer',
      id: 'w1',
      sessionId: 's1',
      cameraId: 3,
      jsep: { type: 'offer', sdp: 'v=0' },
      iceServers: [{ urls: 'stun:192.168.1.2:3478' }, { urls: ['turn:x'], username: 'u', credential: 'c' }],
    };
    expect(parseServerMessage(JSON.stringify(offer))).toEqual({
      ...offer,
      iceServers: [{ urls: ['stun:192.168.1.2:3478'] }, { urls: ['turn:x'], username: 'u', credential: 'c' }],
    });
    expect(parseServerMessage(JSON.stringify({ ...offer, jsep: { type: 'pranswer', sdp: '' } }))).toBeNull();
    expect(parseServerMessage(JSON.stringify({ ...offer, iceServers: [{ urls: 5 }] }))).toBeNull();
    expect(parseServerMessage(JSON.stringify({ ...offer, sessionId: undefined }))).toBeNull();
  });

  it('reads trickled candidates and the end of candidates', () => {
    expect(
      parseServerMessage(
        '{"type":"live.candidate","sessionId":"s1","candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.2 5000 typ host","sdpMid":"0","sdpMLineIndex":0}}',
      ),
    ).toEqual({
      type: 'live.candidate',
      sessionId: 's1',
      candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    expect(parseServerMessage('{"type":"live.candidate","sessionId":"s1","candidate":null}')).toEqual({
      type: 'live.candidate',
      sessionId: 's1',
      candidate: null,
    });
    expect(parseServerMessage('{"type":"live.candidate","sessionId":"s1","candidate":{}}')).toBeNull();
  });

  it('reads started and ended, treating unknown reasons as errors', () => {
    expect(parseServerMessage('{"type":"live.started","sessionId":"s1"}')).toEqual({
      type: 'live.started',
      sessionId: 's1',
    });
    expect(parseServerMessage('{"type":"live.ended","sessionId":"s1","reason":"sfu-restarted"}')).toEqual({
      type: 'live.ended',
      sessionId: 's1',
      reason: 'sfu-restarted',
    });
    expect(parseServerMessage('{"type":"live.ended","sessionId":"s1","reason":"new","message":"m"}')).toEqual(
      {
        type: 'live.ended',
        sessionId: 's1',
        reason: 'error',
        message: 'm',
      },
    );
  });
});

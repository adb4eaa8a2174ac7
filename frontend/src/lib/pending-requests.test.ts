import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveError } from '../api/live-error';
import type { LiveServerMessageOf } from '../api/types';
import { PendingRequests } from './pending-requests';

const offer = (id: string): LiveServerMessageOf<'live.offer'> => ({
  type: 'live.offer',
  id,
  sessionId: 's1',
  cameraId: 1,
  jsep: { type: 'offer', sdp: 'v=0' },
  iceServers: [],
});

describe('PendingRequests', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the answer of the expected type and the same id', async () => {
    const pending = new PendingRequests();
    const answer = pending.wait('a', 'live.offer');
    expect(pending.settle(offer('b'))).toBe(false);
    expect(pending.settle({ type: 'pong', id: 'a' })).toBe(false);
    expect(pending.settle(offer('a'))).toBe(true);
    await expect(answer).resolves.toMatchObject({ type: 'live.offer', id: 'a' });
    expect(pending.size).toBe(0);
    expect(pending.settle(offer('a'))).toBe(false);
  });

  it("rejects with the server's code when an error carries the id", async () => {
    const pending = new PendingRequests();
    const answer = pending.wait('a', 'live.offer');
    expect(pending.settle({ type: 'error', id: 'a', code: 'CAMERA_OFFLINE', message: 'down' })).toBe(true);
    await expect(answer).rejects.toMatchObject({
      name: 'LiveError',
      code: 'CAMERA_OFFLINE',
      message: 'down',
    });
  });

  it('ignores errors without an id', () => {
    const pending = new PendingRequests();
    void pending.wait('a', 'live.offer').catch(() => undefined);
    expect(pending.settle({ type: 'error', code: 'INVALID_MESSAGE', message: 'x' })).toBe(false);
    expect(pending.size).toBe(1);
  });

  it('times out', async () => {
    const pending = new PendingRequests();
    const answer = pending.wait('a', 'live.offer', 1000);
    const settled = expect(answer).rejects.toMatchObject({ code: 'TIMEOUT' });
    vi.advanceTimersByTime(1000);
    await settled;
    expect(pending.size).toBe(0);
  });

  it('rejects everything when the channel closes', async () => {
    const pending = new PendingRequests();
    const one = pending.wait('a', 'live.offer');
    const two = pending.wait('b', 'live.offer');
    pending.rejectAll(new LiveError('LIVE_DISCONNECTED', 'closed'));
    await expect(one).rejects.toMatchObject({ code: 'LIVE_DISCONNECTED' });
    await expect(two).rejects.toMatchObject({ code: 'LIVE_DISCONNECTED' });
    expect(pending.size).toBe(0);
  });

  it('cancels one request and leaves the others waiting', async () => {
    const pending = new PendingRequests();
    const one = pending.wait('a', 'live.offer');
    void pending.wait('b', 'live.offer').catch(() => undefined);
    pending.cancel('a', new LiveError('LIVE_DISCONNECTED', 'not sent'));
    pending.cancel('nobody', new LiveError('LIVE_DISCONNECTED', 'x'));
    await expect(one).rejects.toMatchObject({ code: 'LIVE_DISCONNECTED' });
    expect(pending.size).toBe(1);
  });

  it('refuses a duplicate id', async () => {
    const pending = new PendingRequests();
    void pending.wait('a', 'live.offer').catch(() => undefined);
    await expect(pending.wait('a', 'live.offer')).rejects.toBeInstanceOf(LiveError);
  });
});

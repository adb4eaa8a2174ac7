import { describe, expect, it } from 'vitest';
import { WorkerChannel } from './channel.js';
import type { WorkerToServer } from './protocol.js';

function harness() {
  const sent: WorkerToServer[] = [];
  const pending: (() => void)[] = [];
  const channel = new WorkerChannel(
    (message, done) => {
      sent.push(message);
      pending.push(() => done(null));
    },
    () => true,
  );
  return { channel, sent, complete: () => pending.shift()?.() };
}

const still = (at: number): WorkerToServer & { type: 'still' } => ({
  type: 'still',
  jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
  width: 640,
  height: 360,
  at,
});

describe('WorkerChannel', () => {
  it('scrubs credentials from error messages', () => {
    const { channel, sent } = harness();
    channel.addSecrets(['admin', 'hunter2', '']);
    channel.error('AUTH_FAILED', 'rtsp://admin:hunter2@cam/ refused user admin (hunter2)', true);
    expect(sent).toEqual([
      { type: 'error', code: 'AUTH_FAILED', message: 'rtsp://***@cam/ refused user *** (***)', fatal: true },
    ]);
  });

  it('keeps one still in flight and only the newest waiting', () => {
    const { channel, sent, complete } = harness();
    channel.still(still(1));
    channel.still(still(2));
    channel.still(still(3));
    expect(sent.map((m) => (m.type === 'still' ? m.at : null))).toEqual([1]);
    complete();
    expect(sent.map((m) => (m.type === 'still' ? m.at : null))).toEqual([1, 3]);
    complete();
    channel.still(still(4));
    expect(sent).toHaveLength(3);
  });

  it('flush waits for writes to finish, or gives up', async () => {
    const { channel, complete } = harness();
    channel.send({ type: 'ready', sourceCodec: 'raw', transcoded: true });
    let flushed = false;
    const flushing = channel.flush(5_000).then(() => (flushed = true));
    await Promise.resolve();
    expect(flushed).toBe(false);
    complete();
    await flushing;
    expect(flushed).toBe(true);
    channel.send({ type: 'ready', sourceCodec: 'raw', transcoded: true });
    await channel.flush(10);
  });

  it('sends nothing once disconnected', () => {
    const sent: WorkerToServer[] = [];
    const channel = new WorkerChannel(
      (message) => sent.push(message),
      () => false,
    );
    channel.send({ type: 'ready', sourceCodec: 'raw', transcoded: true });
    channel.still(still(1));
    expect(sent).toEqual([]);
  });
});

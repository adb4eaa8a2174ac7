import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

const later = () => {
  let settle = () => {};
  const promise = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
};

describe('InFlight', () => {
  it('refuses new work while quiescing, aborts transfers, and waits for the disk work under way', async () => {
    const inFlight = new InFlight();
    const write = later();
    const aborted: string[] = [];
    const stop = inFlight.onAbort(() => {
      aborted.push('transfer');
      write.settle();
    });
    const tracked = inFlight.track(() => write.promise);
    const finalisation = later();

    let quiesced = false;
    const quiescing = inFlight.quiesce().then(() => {
      quiesced = true;
    });
    expect(() => inFlight.assertAccepting()).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }));
    expect(aborted).toEqual(['transfer']);
    await tracked;
    stop();
    // A write's end may start more work (its finalisation): the lock waits for that too.
    void inFlight.track(() => finalisation.promise);
    await new Promise((resolve) => setImmediate(resolve));
    expect(quiesced).toBe(false);
    finalisation.settle();
    await quiescing;
    expect(quiesced).toBe(true);

    inFlight.resume();
    expect(() => inFlight.assertAccepting()).not.toThrow();
  });

  it('forgets failed work too', async () => {
    const inFlight = new InFlight();
    await expect(inFlight.track(() => Promise.reject(new Error('disk on fire')))).rejects.toThrow(
      'disk on fire',
    );
    await inFlight.quiesce(); // nothing left to wait for
  });
});

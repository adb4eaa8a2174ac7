import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { SlotPool } from './slot-pool';

describe('SlotPool', () => {
  it('hands out at most `size` slots, idempotently per owner', () => {
    const pool = new SlotPool<string>(2);
    expect(pool.acquire('a')).toBe(true);
    expect(pool.acquire('a')).toBe(true);
    expect(pool.acquire('b')).toBe(true);
    expect(pool.acquire('c')).toBe(false);
    expect(pool.used).toBe(2);
    pool.release('a');
    expect(pool.holds('a')).toBe(false);
    expect(pool.acquire('c')).toBe(true);
    pool.release('nobody');
    expect(pool.used).toBe(2);
  });

  it('works behind a Vue proxy', () => {
    const pool = reactive(new SlotPool<symbol>(1));
    const owner = Symbol('tile');
    expect(pool.acquire(owner)).toBe(true);
    expect(pool.holds(owner)).toBe(true);
    expect(pool.used).toBe(1);
  });
});

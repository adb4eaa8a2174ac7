// One of the page's few MJPEG stream slots (see lib/slot-pool.ts): held from the call until the caller's
// scope ends. Callers without a slot take one as soon as another is released.
import { computed, onScopeDispose, reactive, watch, type ComputedRef } from 'vue';
import { SlotPool } from '../lib/slot-pool';

/** MJPEG streams a page keeps open at once; the browser allows 6 connections per host over HTTP/1.1. */
export const MAX_MJPEG_STREAMS = 3;

const pool = reactive(new SlotPool<symbol>(MAX_MJPEG_STREAMS));

/** Whether this caller holds an MJPEG slot; becomes true once one is free. */
export function useMjpegSlot(): ComputedRef<boolean> {
  const owner = Symbol('mjpeg-slot');
  const tryAcquire = () => {
    pool.acquire(owner);
  };
  tryAcquire();
  watch(() => pool.used, tryAcquire);
  onScopeDispose(() => {
    pool.release(owner);
  });
  return computed(() => pool.holds(owner));
}

// The Events page's list: the newest events for the current filter, older pages fetched as the user scrolls,
// and events pushed live on /api/ws put in place as they start, change and end. While the vault is locked
// the server stores nothing and answers 423; live events still arrive (marked unstored) and are shown.
import { defineStore, storeToRefs } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { isApiError } from '../api/client';
import { eventsApi, type EventFilter, type EventStats, type VigilEvent } from '../api/events-api';
import { useLiveSocket } from '../composables/use-live-socket';
import { appendPage, matchesFilter, parseEventPush, upsertEvent } from '../lib/event-feed';
import { useVaultStore } from './use-vault-store';

const PAGE_SIZE = 30;
/** Hours the chart covers. */
export const CHART_HOURS = 24;
/** Live events seen while locked are kept on the page up to this many (they are not stored anywhere). */
const MAX_UNSTORED = 200;

export const useEventsStore = defineStore('events', () => {
  const socket = useLiveSocket();
  const { connectionId } = storeToRefs(socket);
  const vault = useVaultStore();

  const filter = ref<EventFilter>({});
  const events = ref<VigilEvent[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  const loadError = shallowRef<unknown>(null);
  /** The server stores no events: the vault is locked. */
  const locked = ref(false);
  /** Events that went by unstored while locked: the server's count plus those pushed since. */
  const unstored = ref(0);
  const stats = ref<EventStats | null>(null);
  let generation = 0;

  async function loadStats(): Promise<void> {
    try {
      stats.value = await eventsApi.stats(CHART_HOURS);
      locked.value = !stats.value.stored;
      unstored.value = stats.value.unstoredWhileLocked;
    } catch {
      // The chart is a nicety: the list reports the failure that matters.
      stats.value = null;
    }
  }

  /** The first page for the current filter (and, unless told not to, the chart); older pages come from loadMore(). */
  async function load(options: { stats?: boolean } = {}): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    // The chart and the label list do not depend on the filter: a filter change leaves them alone.
    if (options.stats !== false) void loadStats();
    try {
      const page = await eventsApi.list(filter.value, undefined, PAGE_SIZE);
      if (mine !== generation) return;
      events.value = page.events;
      nextCursor.value = page.nextCursor;
      locked.value = false;
      loadError.value = null;
    } catch (err) {
      if (mine !== generation) return;
      if (isApiError(err, 'VAULT_LOCKED')) {
        locked.value = true;
        events.value = events.value.filter((e) => e.id === null);
        nextCursor.value = null;
        loadError.value = null;
      } else loadError.value = err;
    } finally {
      if (mine === generation) {
        loading.value = false;
        loaded.value = true;
      }
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (cursor === null || loading.value) return;
    const mine = generation;
    loading.value = true;
    try {
      const page = await eventsApi.list(filter.value, cursor, PAGE_SIZE);
      if (mine !== generation) return;
      events.value = appendPage(events.value, page.events);
      nextCursor.value = page.nextCursor;
    } catch (err) {
      if (mine === generation) loadError.value = err;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function setFilter(next: EventFilter): void {
    filter.value = { ...next };
    void load({ stats: false });
  }

  /** The Events page is showing: pushes and reconnects keep the list current only while it is. */
  let active = false;

  /** The page opened with `initial` as its filter: a fresh list and chart. */
  function open(initial: EventFilter): void {
    active = true;
    filter.value = { ...initial };
    void load();
  }

  function close(): void {
    active = false;
  }

  function forget(id: number): void {
    events.value = events.value.filter((e) => e.id !== id);
  }

  function replace(event: VigilEvent): void {
    events.value = upsertEvent(events.value, event);
  }

  socket.on('event', (message) => {
    const push = parseEventPush(message.topic, message.data);
    if (push === null || !active) return;
    if (!push.stored && push.phase === 'start') {
      locked.value = true;
      unstored.value += 1;
    }
    if (!matchesFilter(push.event, filter.value)) return;
    events.value = upsertEvent(events.value, push.event);
    if (!push.stored) {
      const live = events.value.filter((e) => e.id === null);
      if (live.length > MAX_UNSTORED) {
        const drop = new Set(live.slice(MAX_UNSTORED));
        events.value = events.value.filter((e) => !drop.has(e));
      }
    }
    if (push.phase === 'start' && push.stored) bumpChart(push.event.startedAt, push.event.label);
  });

  /** A new stored event counts in its hour (and its label in the filter) at once, without asking the server. */
  function bumpChart(at: number, label: string): void {
    const current = stats.value;
    if (current === null) return;
    const bucket = Math.floor(at / current.bucketMs) * current.bucketMs;
    const labels = current.labels.includes(label) ? current.labels : [...current.labels, label].sort();
    stats.value = { ...current, labels, buckets: [...current.buckets, { bucket, label, count: 1 }] };
  }

  // A new socket may have missed pushes; a vault that locks or unlocks changes what the server can list.
  watch(connectionId, () => {
    if (active) void load();
  });
  watch(
    () => vault.state,
    (now, before) => {
      if (active && now !== before) void load();
    },
  );

  return {
    filter,
    events,
    nextCursor,
    loading,
    loaded,
    loadError,
    locked,
    unstored,
    stats,
    load,
    loadMore,
    setFilter,
    open,
    close,
    forget,
    replace,
  };
});

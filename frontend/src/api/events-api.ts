// Events as the server's /api/events routes show them, and the client calls for them. The types are the
// server's TypeBox schemas (types only), so the page cannot drift from what the server sends.
import type { Static } from 'typebox';
import type {
  EventSchema,
  EventsPage as EventsPageSchema,
  StatsResponse,
} from '../../../server/events/events.schemas';
import { requestEmpty, requestJson } from './client';
import { query } from './urls';

export type VigilEvent = Static<typeof EventSchema>;
export type NormalBox = VigilEvent['box'];
export type EventFace = VigilEvent['faces'][number];
export type EventsPage = Static<typeof EventsPageSchema>;
export type EventStats = Static<typeof StatsResponse>;

export interface EventFilter {
  camera?: number | undefined;
  label?: string | undefined;
  zone?: string | undefined;
  face?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export const eventsApi = {
  list: async (filter: EventFilter, cursor?: string, limit = 30) =>
    (await requestJson('GET', `/api/events?${query({ ...filter, cursor, limit })}`)) as EventsPage,
  get: async (id: number) => (await requestJson('GET', `/api/events/${id}`)) as VigilEvent,
  stats: async (hours = 24) =>
    (await requestJson('GET', `/api/events/stats?${query({ bucket: 'hour', hours })}`)) as EventStats,
  remove: (id: number) => requestEmpty('DELETE', `/api/events/${id}`),
  protect: async (id: number, value: boolean) =>
    (await requestJson('POST', `/api/events/${id}/protect`, { body: { protected: value } })) as VigilEvent,
};

/** The event's best picture; `box` asks the server to draw the object's box in. */
export function eventSnapshotUrl(id: number, box = false): string {
  return box ? `/api/events/${id}/snapshot.jpg?box=1` : `/api/events/${id}/snapshot.jpg`;
}

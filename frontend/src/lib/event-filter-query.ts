// The Events page keeps its filter in the address (?camera=2&label=person&from=…), so a filtered view can be
// reloaded, bookmarked and shared. Anything unreadable in the address is ignored, never an error.
import type { EventFilter } from '../api/events-api';

type QueryValue = string | null | (string | null)[] | undefined;

const first = (value: QueryValue): string | undefined => {
  const one = Array.isArray(value) ? value[0] : value;
  return one === null || one === undefined || one === '' ? undefined : one;
};

const positiveInt = (value: QueryValue): number | undefined => {
  const text = first(value);
  return text !== undefined && /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
};

const text = (value: QueryValue): string | undefined => {
  const one = first(value)?.trim();
  return one !== undefined && one.length > 0 && one.length <= 64 ? one : undefined;
};

export function filterFromQuery(query: Record<string, QueryValue>): EventFilter {
  const filter: EventFilter = {};
  const camera = positiveInt(query['camera']);
  const face = positiveInt(query['face']);
  const from = positiveInt(query['from']);
  const to = positiveInt(query['to']);
  const label = text(query['label']);
  const zone = text(query['zone']);
  if (camera !== undefined) filter.camera = camera;
  if (label !== undefined) filter.label = label;
  if (zone !== undefined) filter.zone = zone;
  if (face !== undefined) filter.face = face;
  if (from !== undefined) filter.from = from;
  if (to !== undefined && (from === undefined || to > from)) filter.to = to;
  return filter;
}

export function filterToQuery(filter: EventFilter): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ['camera', 'label', 'zone', 'face', 'from', 'to'] as const) {
    const value = filter[key];
    if (value !== undefined && value !== '') query[key] = String(value);
  }
  return query;
}

/** A value for <input type="datetime-local"> in the browser's zone, from epoch ms. */
export function toLocalInput(at: number | undefined): string {
  if (at === undefined) return '';
  const date = new Date(at);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(at - offset).toISOString().slice(0, 16);
}

/** Epoch ms from an <input type="datetime-local"> value (the browser's zone), or undefined when empty. */
export function fromLocalInput(value: string): number | undefined {
  if (value === '') return undefined;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? undefined : at;
}

import { describe, expect, it } from 'vitest';
import { filterFromQuery, filterToQuery, fromLocalInput, toLocalInput } from './event-filter-query';

describe('the Events filter in the address', () => {
  it('round-trips every filter', () => {
    const filter = { camera: 2, label: 'person', zone: 'drive', face: 4, from: 1_000, to: 2_000 };
    expect(filterFromQuery(filterToQuery(filter))).toEqual(filter);
  });

  it('ignores what it cannot read', () => {
    expect(
      filterFromQuery({
        camera: 'two',
        face: '-1',
        from: '1e3',
        label: '  ',
        zone: 'x'.repeat(65),
        to: null,
      }),
    ).toEqual({});
    expect(filterFromQuery({ camera: ['3', '4'] })).toEqual({ camera: 3 });
    // A window that ends before it starts keeps its start only.
    expect(filterFromQuery({ from: '2000', to: '1000' })).toEqual({ from: 2000 });
  });

  it('converts datetime-local values both ways', () => {
    const at = new Date(2026, 11, 7, 9, 30).getTime();
    expect(toLocalInput(at)).toBe('2026-12-07T09:30');
    expect(fromLocalInput('2026-12-07T09:30')).toBe(at);
    expect(fromLocalInput('')).toBeUndefined();
    expect(toLocalInput(undefined)).toBe('');
  });
});

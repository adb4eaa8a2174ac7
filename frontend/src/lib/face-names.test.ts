import { describe, expect, it } from 'vitest';
import type { Person } from '../api/faces-api';
import { cleanName, mergeTargets, nameProblem, personNamed, personSummary } from './face-names';

const person = (id: number, name: string, sampleCount = 1, eventCount = 0): Person => ({
  id,
  name,
  createdAt: 0,
  sampleCount,
  sampleIds: Array.from({ length: sampleCount }, (_, k) => id * 10 + k),
  eventCount,
});

const people = [person(1, 'Ana'), person(2, 'Émile'), person(3, 'bob')];

describe('face names', () => {
  it('cleans names as the server stores them', () => {
    expect(cleanName('  Ana   Maria ')).toBe('Ana Maria');
  });

  it('finds a name whatever its case, except the person being renamed', () => {
    expect(personNamed(people, 'ANA')?.id).toBe(1);
    expect(personNamed(people, ' émile ')?.id).toBe(2);
    expect(personNamed(people, 'ana', 1)).toBeUndefined();
  });

  it('says why a name cannot be used', () => {
    expect(nameProblem('   ', people)).toBe('Enter a name.');
    expect(nameProblem('x'.repeat(65), people)).toBe('Use at most 64 characters.');
    expect(nameProblem('Bob', people)).toBe('bob already has this name.');
    expect(nameProblem('Bob', people, 3)).toBeNull();
    expect(nameProblem('Carla', people)).toBeNull();
    expect(nameProblem('a\u0007b', people)).toBe('Use visible characters only.');
  });

  it('offers everyone else, by name, to merge into', () => {
    expect(mergeTargets(people, 1).map((p) => p.id)).toEqual([3, 2]);
  });

  it('sums a person up', () => {
    expect(personSummary(person(1, 'Ana', 1, 0))).toBe('1 sample · not seen yet');
    expect(personSummary(person(1, 'Ana', 3, 1))).toBe('3 samples · seen in 1 event');
    expect(personSummary(person(1, 'Ana', 2, 5))).toBe('2 samples · seen in 5 events');
  });
});

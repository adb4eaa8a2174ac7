// The Faces page's pure logic: names as the server keeps them (trimmed, inner spaces collapsed, unique whatever
// their case), the sentence for a name that cannot be used, and whom a person can be merged into.
import type { Person } from '../api/faces-api';

/** The longest name the server takes. */
export const MAX_NAME_LENGTH = 64;

/** The name as the server will store it. */
export function cleanName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

const folded = (name: string) => cleanName(name).normalize('NFKC').toLocaleLowerCase('en');

/** The person who already has this name in any case, if any (`exceptId`: the one being renamed). */
export function personNamed(people: readonly Person[], name: string, exceptId?: number): Person | undefined {
  const key = folded(name);
  return people.find((person) => person.id !== exceptId && folded(person.name) === key);
}

/** Why `raw` cannot be a (new) name, as a sentence, or null when it can. */
export function nameProblem(raw: string, people: readonly Person[], exceptId?: number): string | null {
  const name = cleanName(raw);
  if (name === '') return 'Enter a name.';
  if (name.length > MAX_NAME_LENGTH) return `Use at most ${MAX_NAME_LENGTH} characters.`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'Use visible characters only.';
  const holder = personNamed(people, name, exceptId);
  return holder === undefined ? null : `${holder.name} already has this name.`;
}

/** Everyone but `id`, by name: the people `id` can be merged into. */
export function mergeTargets(people: readonly Person[], id: number): Person[] {
  return people.filter((person) => person.id !== id).sort((a, b) => a.name.localeCompare(b.name));
}

/** "1 sample · seen in 3 events". */
export function personSummary(person: Person): string {
  const samples = `${person.sampleCount} ${person.sampleCount === 1 ? 'sample' : 'samples'}`;
  const events =
    person.eventCount === 0
      ? 'not seen yet'
      : `seen in ${person.eventCount} ${person.eventCount === 1 ? 'event' : 'events'}`;
  return `${samples} · ${events}`;
}

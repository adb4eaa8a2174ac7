import { describe, expect, it } from 'vitest';
import { parseLabels } from './detector-labels.js';

describe('detector labels', () => {
  it('reads one label per line, trimmed, blank lines dropped', () => {
    expect(parseLabels(' person \r\n\ncar\n  traffic light\n')).toEqual(['person', 'car', 'traffic light']);
  });

  it('reads a JSON array of strings', () => {
    expect(parseLabels('["person", " dog "]')).toEqual(['person', 'dog']);
  });

  it.each([
    ['', /at least one/],
    ['[1, 2]', /JSON array of strings/],
    ['["person",', /broken JSON/],
    ['person\nperson', /listed twice/],
    ['["a\\u0007b"]', /printable/],
    ['x'.repeat(65), /1 to 64/],
  ])('refuses %j', (text, message) => {
    expect(() => parseLabels(text)).toThrow(message);
    try {
      parseLabels(text);
    } catch (failure) {
      expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400 });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { describeDetector, formatShape, labelLines, labelProblem } from './detector-labels';

describe('detector labels in the upload form', () => {
  it('reads one label per line as the server does', () => {
    expect(labelLines(' person\r\n\n car \n')).toEqual(['person', 'car']);
  });

  it('says what is wrong before uploading', () => {
    expect(labelProblem('  \n')).toMatch(/one per line/);
    expect(labelProblem('dog\ncat\ndog')).toBe('“dog” is listed twice.');
    expect(labelProblem('x'.repeat(65))).toMatch(/longer than 64/);
    expect(labelProblem('dog\ncat')).toBeNull();
  });

  it('describes detectors and shapes', () => {
    expect(formatShape([1, 84, 8400])).toBe('[1, 84, 8400]');
    expect(describeDetector('yolo', 2)).toBe('YOLO · 2 labels');
    expect(describeDetector('centernet', 80)).toBe('CenterNet · 80 labels');
    expect(describeDetector('ssd', 1)).toBe('SSD · 1 label');
  });
});

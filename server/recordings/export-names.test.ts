import { describe, expect, it } from 'vitest';
import { isSafeName } from '../files/path-safety.js';
import { exportFileName, localSpan } from './export-names.js';

// Local time on purpose: the names are for people looking at the appliance's clock.
const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

describe('export file names', () => {
  it('names the camera and the local span, with dots for colons', () => {
    expect(exportFileName({ id: 3, name: 'Yard' }, at(2026, 12, 9, 12, 0), at(2026, 12, 9, 12, 10, 5))).toBe(
      'Yard 2026-12-09 12.00.00 - 12.10.05.mp4',
    );
  });

  it('writes both days when the span crosses midnight', () => {
    expect(localSpan(at(2026, 12, 9, 23, 50), at(2026, 12, 10, 0, 10))).toBe(
      '2026-12-09 23.50.00 - 2026-12-10 00.10.00',
    );
  });

  it('cleans what the file manager would refuse out of the camera name', () => {
    const span = [at(2026, 12, 9, 12, 0), at(2026, 12, 9, 12, 10)] as const;
    const cases = [
      ['Front/back door', 'Front back door'],
      ['  ~Garage\u202e.', 'Garage'],
      ['C:\\cam', 'C cam'],
      ['Hof%2F1', 'Hof 2F1'],
      ['e\u0301tage', '\u00e9tage'],
    ] as const;
    for (const [camera, shown] of cases) {
      const name = exportFileName({ id: 7, name: camera }, ...span);
      expect(name).toBe(`${shown} 2026-12-09 12.00.00 - 12.10.00.mp4`);
      expect(isSafeName(name)).toBe(true);
    }
  });

  it('falls back to the camera number when nothing of the name is left or it cannot start a name', () => {
    const span = [at(2026, 12, 9, 12, 0), at(2026, 12, 9, 12, 10)] as const;
    for (const camera of ['///', '\u0000\u0001', 'https cam'.replace(' ', ':'), '..']) {
      const name = exportFileName({ id: 7, name: camera }, ...span);
      expect(isSafeName(name), camera).toBe(true);
    }
    expect(exportFileName({ id: 7, name: '///' }, ...span)).toBe(
      'Camera 7 2026-12-09 12.00.00 - 12.10.00.mp4',
    );
  });

  it('keeps long names within the file system limit', () => {
    const name = exportFileName({ id: 1, name: 'ü'.repeat(300) }, at(2026, 1, 1, 0, 0), at(2026, 1, 1, 1, 0));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(isSafeName(name)).toBe(true);
  });
});

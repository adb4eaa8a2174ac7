import { describe, expect, it } from 'vitest';
import { entryLabel, filesQuery, isWritableRoot, rootCrumbs, rootFromQuery } from './file-roots';

const cameras = new Map([
  [3, 'Front door'],
  [12, 'Yard'],
]);

describe('file-manager places', () => {
  it('reads the place from the address: recordings when it says so, files for anything else', () => {
    expect(rootFromQuery('recordings')).toBe('recordings');
    expect(rootFromQuery(['recordings', 'files'])).toBe('recordings');
    expect(rootFromQuery(undefined)).toBe('files');
    expect(rootFromQuery('files')).toBe('files');
    expect(rootFromQuery('../recordings')).toBe('files');
    expect(rootFromQuery('Recordings')).toBe('files');
  });

  it('writes the address with the defaults left out', () => {
    expect(filesQuery('files', '/')).toEqual({});
    expect(filesQuery('files', '/Photos/')).toEqual({ path: '/Photos' });
    expect(filesQuery('recordings', '/')).toEqual({ root: 'recordings' });
    expect(filesQuery('recordings', '/3/2026-05-01')).toEqual({ root: 'recordings', path: '/3/2026-05-01' });
  });

  it('lets the file manager change files only', () => {
    expect(isWritableRoot('files')).toBe(true);
    expect(isWritableRoot('recordings')).toBe(false);
  });

  it("names recordings' top folders by their camera, and nothing else", () => {
    expect(entryLabel('recordings', '/', '3', cameras)).toBe('Front door');
    // A removed camera's recordings keep their id.
    expect(entryLabel('recordings', '/', '7', cameras)).toBe('7');
    // Only the camera level: a day folder or a file called "3" is itself.
    expect(entryLabel('recordings', '/3', '12', cameras)).toBe('12');
    expect(entryLabel('recordings', '/', '3.ts', cameras)).toBe('3.ts');
    // A folder called "3" in files is just that.
    expect(entryLabel('files', '/', '3', cameras)).toBe('3');
  });

  it('crumbs start at the place and show the camera by name', () => {
    expect(rootCrumbs('recordings', '/3/2026-05-01', cameras)).toEqual([
      { label: 'Recordings', path: '/' },
      { label: 'Front door', path: '/3' },
      { label: '2026-05-01', path: '/3/2026-05-01' },
    ]);
    expect(rootCrumbs('recordings', '/', cameras)).toEqual([{ label: 'Recordings', path: '/' }]);
    expect(rootCrumbs('files', '/3', cameras)).toEqual([
      { label: 'Files', path: '/' },
      { label: '3', path: '/3' },
    ]);
  });
});

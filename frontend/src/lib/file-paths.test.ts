import { describe, expect, it } from 'vitest';
import {
  baseName,
  breadcrumbs,
  folderFromQuery,
  isSameOrInside,
  joinPath,
  nameProblem,
  normalizePath,
  parentPath,
  pathSegments,
} from './file-paths';

describe('path helpers', () => {
  it('normalises to one leading slash and no trailing or doubled ones', () => {
    expect(normalizePath('')).toBe('/');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('//Photos//2026/')).toBe('/Photos/2026');
    expect(normalizePath('Photos')).toBe('/Photos');
  });

  it('joins, splits and takes apart', () => {
    expect(joinPath('/', 'a.txt')).toBe('/a.txt');
    expect(joinPath('/Photos/', 'b.jpg')).toBe('/Photos/b.jpg');
    expect(pathSegments('/Photos/2026')).toEqual(['Photos', '2026']);
    expect(pathSegments('/')).toEqual([]);
    expect(parentPath('/Photos/2026/b.jpg')).toBe('/Photos/2026');
    expect(parentPath('/a.txt')).toBe('/');
    expect(parentPath('/')).toBe('/');
    expect(baseName('/Photos/2026/b.jpg')).toBe('b.jpg');
    expect(baseName('/')).toBe('');
  });

  it('tells a folder and everything below it from a look-alike sibling', () => {
    expect(isSameOrInside('/a/b', '/a')).toBe(true);
    expect(isSameOrInside('/a', '/a')).toBe(true);
    expect(isSameOrInside('/ab', '/a')).toBe(false);
    expect(isSameOrInside('/anything', '/')).toBe(true);
  });

  it('reads the folder from the address, falling back to the root', () => {
    expect(folderFromQuery('/Photos/2026/')).toBe('/Photos/2026');
    expect(folderFromQuery(['/Music', '/Other'])).toBe('/Music');
    expect(folderFromQuery(undefined)).toBe('/');
    expect(folderFromQuery('no-slash')).toBe('/');
    expect(folderFromQuery(null)).toBe('/');
  });
});

describe('breadcrumbs', () => {
  it('has the root alone at the top', () => {
    expect(breadcrumbs('/')).toEqual([{ label: 'Files', path: '/' }]);
  });

  it('has one crumb per folder down to the current one', () => {
    expect(breadcrumbs('/Photos/2026/Summer')).toEqual([
      { label: 'Files', path: '/' },
      { label: 'Photos', path: '/Photos' },
      { label: '2026', path: '/Photos/2026' },
      { label: 'Summer', path: '/Photos/2026/Summer' },
    ]);
    expect(breadcrumbs('/a', 'Home')[0]).toEqual({ label: 'Home', path: '/' });
  });
});

describe('nameProblem', () => {
  it('accepts ordinary names, spaces and dots inside included', () => {
    expect(nameProblem('Holiday photos')).toBeNull();
    expect(nameProblem('report.final.pdf')).toBeNull();
    expect(nameProblem('Notes: 2026')).toBeNull();
  });

  it('catches the common mistakes while typing', () => {
    expect(nameProblem('')).toMatch(/Enter a name/);
    expect(nameProblem('   ')).toMatch(/Enter a name/);
    expect(nameProblem('..')).toMatch(/"\."/);
    expect(nameProblem('a/b')).toMatch(/"\/"/);
    expect(nameProblem('a\\b')).toMatch(/"\/"/);
    expect(nameProblem(' lead')).toMatch(/start with a space/);
    expect(nameProblem('trail.')).toMatch(/end with a dot/);
    expect(nameProblem('trail ')).toMatch(/end with a dot or a space/);
  });

  it('counts the length in UTF-8 bytes, as the disk does', () => {
    expect(nameProblem('a'.repeat(255))).toBeNull();
    expect(nameProblem('a'.repeat(256))).toMatch(/too long/);
    // 128 two-byte letters are 256 bytes.
    expect(nameProblem('é'.repeat(128))).toMatch(/too long/);
  });
});

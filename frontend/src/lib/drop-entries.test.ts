import { describe, expect, it } from 'vitest';
import {
  planUpload,
  takeDropItems,
  treeFromFileList,
  walkDrop,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
} from './drop-entries';

// Stand-ins for the browser's FileSystemEntry objects, which only exist inside a real drop.
function fileEntry(name: string, content = name, unreadable = false): FileEntryLike {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (success, failure) => {
      if (unreadable) failure?.(new DOMException('gone', 'NotFoundError'));
      else queueMicrotask(() => success(new File([content], name)));
    },
  };
}

/** A directory that hands out its children `batch` at a time, as Chromium does (100 per call). */
function dirEntry(name: string, children: EntryLike[], batch = 100): DirectoryEntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (success) => {
          const next = children.slice(at, at + batch);
          at += next.length;
          queueMicrotask(() => success(next));
        },
      };
    },
  };
}

const summary = (tree: Awaited<ReturnType<typeof walkDrop>>) =>
  tree.files.map(({ file, folder }) => `${folder}|${file.name}`);

describe('walkDrop', () => {
  it('flattens dropped folders into folders (parents first) and files with their folder', async () => {
    const tree = await walkDrop([
      fileEntry('top.txt'),
      dirEntry('Photos', [fileEntry('a.jpg'), dirEntry('2026', [fileEntry('b.jpg')]), dirEntry('Empty', [])]),
    ]);
    expect(tree.folders).toEqual(['Photos', 'Photos/2026', 'Photos/Empty']);
    expect(summary(tree)).toEqual(['|top.txt', 'Photos|a.jpg', 'Photos/2026|b.jpg']);
    expect(tree.unreadable).toEqual([]);
  });

  it('reads a directory until it answers with an empty batch', async () => {
    const many = Array.from({ length: 250 }, (_, i) => fileEntry(`f${i}.txt`));
    const tree = await walkDrop([dirEntry('Lots', many, 100)]);
    expect(tree.files).toHaveLength(250);
    expect(tree.files.at(-1)?.file.name).toBe('f249.txt');
  });

  it('keeps the file contents', async () => {
    const tree = await walkDrop([fileEntry('note.txt', 'hello')]);
    expect(await tree.files[0]?.file.text()).toBe('hello');
  });

  it('lists what could not be read and goes on with the rest', async () => {
    const broken: DirectoryEntryLike = {
      isFile: false,
      isDirectory: true,
      name: 'Locked',
      createReader: () => ({ readEntries: (_success, failure) => failure?.(new Error('denied')) }),
    };
    const tree = await walkDrop([
      dirEntry('Docs', [fileEntry('gone.txt', '', true), fileEntry('ok.txt')]),
      broken,
    ]);
    expect(tree.unreadable).toEqual(['Docs/gone.txt', 'Locked']);
    expect(summary(tree)).toEqual(['Docs|ok.txt']);
    expect(tree.folders).toEqual(['Docs', 'Locked']);
  });

  it('takes loose files (a page-made DataTransfer has no entries) at the top', async () => {
    const tree = await walkDrop([], [new File(['x'], 'loose.bin')]);
    expect(summary(tree)).toEqual(['|loose.bin']);
  });
});

describe('takeDropItems', () => {
  it('prefers entries, falls back to files, and skips what is not a file', () => {
    const entry = fileEntry('from-entry.txt');
    const loose = new File(['y'], 'from-file.txt');
    const taken = takeDropItems([
      { kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null },
      { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => loose },
      { kind: 'file', getAsFile: () => loose },
      { kind: 'string', webkitGetAsEntry: () => entry, getAsFile: () => null },
    ]);
    expect(taken.entries).toEqual([entry]);
    expect(taken.files).toEqual([loose, loose]);
  });
});

describe('treeFromFileList', () => {
  const withPath = (name: string, relative: string) => {
    const file = new File(['z'], name);
    Object.defineProperty(file, 'webkitRelativePath', { value: relative });
    return file;
  };

  it('derives every folder, parents first and once, from a folder picker', () => {
    const tree = treeFromFileList([
      withPath('a.jpg', 'Trip/a.jpg'),
      withPath('b.jpg', 'Trip/Day 2/Evening/b.jpg'),
      withPath('c.jpg', 'Trip/Day 2/c.jpg'),
    ]);
    expect(tree.folders).toEqual(['Trip', 'Trip/Day 2', 'Trip/Day 2/Evening']);
    expect(summary(tree)).toEqual(['Trip|a.jpg', 'Trip/Day 2/Evening|b.jpg', 'Trip/Day 2|c.jpg']);
  });

  it('puts plainly picked files at the top', () => {
    // Browsers give plainly picked files an empty webkitRelativePath.
    const tree = treeFromFileList([withPath('one.txt', ''), withPath('two.txt', '')]);
    expect(tree.folders).toEqual([]);
    expect(summary(tree)).toEqual(['|one.txt', '|two.txt']);
  });
});

describe('planUpload', () => {
  it('places everything under the folder dropped onto', () => {
    const file = new File(['1'], 'b.jpg');
    const top = new File(['2'], 'top.txt');
    const plan = planUpload('/Backups/', {
      folders: ['Photos', 'Photos/2026', 'Photos'],
      files: [
        { file, folder: 'Photos/2026' },
        { file: top, folder: '' },
      ],
    });
    expect(plan.folders).toEqual(['/Backups/Photos', '/Backups/Photos/2026']);
    expect(plan.files).toEqual([
      { file, folder: '/Backups/Photos/2026' },
      { file: top, folder: '/Backups' },
    ]);
  });

  it('works at the root', () => {
    const file = new File(['1'], 'x');
    expect(planUpload('/', { folders: ['A'], files: [{ file, folder: 'A' }] })).toEqual({
      folders: ['/A'],
      files: [{ file, folder: '/A' }],
    });
  });
});

// What was dropped or picked, as folders to create and files to upload. A drop hands over FileSystemEntry
// trees (webkitGetAsEntry): folders are walked here, reading each directory until it answers with an empty
// batch (Chromium hands out at most 100 entries per call). A folder picker (webkitdirectory) gives flat files
// with a webkitRelativePath instead. Both end as paths relative to the folder the user dropped onto.
import { joinPath, normalizePath, pathSegments } from './file-paths';

/** The parts of the browser's FileSystemFileEntry used here. */
export interface FileEntryLike {
  readonly isFile: true;
  readonly isDirectory: false;
  readonly name: string;
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}

/** The parts of the browser's FileSystemDirectoryEntry used here. */
export interface DirectoryEntryLike {
  readonly isFile: false;
  readonly isDirectory: true;
  readonly name: string;
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
  };
}

export type EntryLike = FileEntryLike | DirectoryEntryLike;

export interface DroppedFile {
  file: File;
  /** Its folder relative to the drop target: "" for the target itself, "Photos/2026" below it. */
  folder: string;
}

export interface DroppedTree {
  /** Every folder relative to the drop target, each after its parent, empty ones included. */
  folders: string[];
  files: DroppedFile[];
  /** Relative paths the browser would not read (permissions, vanished meanwhile). */
  unreadable: string[];
}

/** The parts of the browser's DataTransferItem used here. */
export interface TransferItemLike {
  readonly kind: string;
  webkitGetAsEntry?: () => unknown;
  getAsFile(): File | null;
}

/**
 * Takes what a drop carries. Must run inside the drop handler itself: the browser empties the DataTransfer
 * once the event returns, so the (asynchronous) walk starts from what this collected.
 */
export function takeDropItems(items: Iterable<TransferItemLike>): { entries: EntryLike[]; files: File[] } {
  const entries: EntryLike[] = [];
  const files: File[] = [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    // Files a page put into a DataTransfer itself have no entry; their File is all there is.
    const entry = (item.webkitGetAsEntry?.() ?? null) as EntryLike | null;
    if (entry !== null) {
      entries.push(entry);
      continue;
    }
    const file = item.getAsFile();
    if (file !== null) files.push(file);
  }
  return { entries, files };
}

function readFile(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => {
    entry.file(resolve, reject);
  });
}

async function readDirectory(entry: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = entry.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => {
      reader.readEntries(resolve, reject);
    });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function relative(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

/** Walks dropped entries (and loose files) into folders and files, depth first, parents before children. */
export async function walkDrop(
  entries: readonly EntryLike[],
  looseFiles: readonly File[] = [],
): Promise<DroppedTree> {
  const tree: DroppedTree = {
    folders: [],
    files: looseFiles.map((file) => ({ file, folder: '' })),
    unreadable: [],
  };
  const visit = async (entry: EntryLike, folder: string): Promise<void> => {
    const path = relative(folder, entry.name);
    if (entry.isFile) {
      try {
        tree.files.push({ file: await readFile(entry), folder });
      } catch (error) {
        // Reported to the user as a list of unreadable paths; the rest of the drop goes ahead.
        console.warn(`Could not read ${path}`, error);
        tree.unreadable.push(path);
      }
      return;
    }
    tree.folders.push(path);
    let children: EntryLike[];
    try {
      children = await readDirectory(entry);
    } catch (error) {
      console.warn(`Could not read the folder ${path}`, error);
      tree.unreadable.push(path);
      return;
    }
    for (const child of children) await visit(child, path);
  };
  for (const entry of entries) await visit(entry, '');
  return tree;
}

/** Files from a folder picker (webkitdirectory) or a plain file picker, with their folders. */
export function treeFromFileList(files: Iterable<File>): DroppedTree {
  const tree: DroppedTree = { folders: [], files: [], unreadable: [] };
  const seen = new Set<string>();
  for (const file of files) {
    const segments = pathSegments(file.webkitRelativePath);
    const folderSegments = segments.slice(0, -1);
    // Every ancestor too, parents first, so nested folders can be created in order.
    for (let depth = 1; depth <= folderSegments.length; depth++) {
      const ancestor = folderSegments.slice(0, depth).join('/');
      if (!seen.has(ancestor)) {
        seen.add(ancestor);
        tree.folders.push(ancestor);
      }
    }
    tree.files.push({ file, folder: folderSegments.join('/') });
  }
  return tree;
}

export interface UploadPlan {
  /** Folders to create first (API paths), parents before children, each once. */
  folders: string[];
  /** Each file with the API path of the folder it goes into. */
  files: { file: File; folder: string }[];
}

/** Where everything goes when the tree is dropped onto the folder `target`. */
export function planUpload(target: string, tree: Pick<DroppedTree, 'folders' | 'files'>): UploadPlan {
  const base = normalizePath(target);
  const under = (folder: string) => (folder === '' ? base : joinPath(base, folder));
  const folders = [...new Set(tree.folders.map(under))];
  return { folders, files: tree.files.map(({ file, folder }) => ({ file, folder: under(folder) })) };
}

import { lstatSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { VaultService } from '../vault/vault.service.js';
import { vaultLocked } from '../vault/vault-guard.js';
import type { WsHub } from '../ws/ws-hub.js';
import { compareEntries, entryOf, type FileEntry } from './file-entry.js';
import { copyTree, storageError, treeSize } from './file-copy.js';
import { assertWritableRoot, isHiddenEntry, type FileRootName } from './file-roots.js';
import {
  assertSafeName,
  FilesRoot,
  fileNotFound,
  symlinkRefused,
  toApiPath,
  type ResolvedPath,
} from './path-safety.js';
import { Trash } from './trash.js';

/** Listings are cut into pages of at most this many entries. */
export const PAGE_LIMIT = 1000;
/** How long an unchanged folder's listing is reused (see `listingOf`). */
const LISTING_CACHE_MS = 1000;
/** Folders up to this many entries are listed with synchronous lstat calls (see `list`). */
const SYNC_LISTING_MAX = 5000;
/** Moves and copies at least this big report progress on /api/ws. */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

export interface BatchResult {
  done: string[];
  failed: { path: string; code: string; message: string }[];
}

const alreadyExists = () => new AppError('ALREADY_EXISTS', 409, 'Something with that name is already there.');
const notAFolder = () => new AppError('NOT_A_FOLDER', 400, 'That is a file, not a folder.');
const rootRefused = () => new AppError('ROOT_REFUSED', 400, 'The files root itself cannot be changed.');

/**
 * The file manager over the vault's `files/`, and read-only over its `recordings/` (see file-roots.ts): every
 * path through path-safety, every write through the vault's guard, nothing staged outside the vault. Batches
 * never stop at the first failure.
 */
export function createFilesService(deps: { vault: VaultService; hub: WsHub; now: () => Date }) {
  const { vault, hub, now } = deps;
  const files = new FilesRoot(path.join(vault.mountPoint, 'files'));
  const roots: Record<FileRootName, FilesRoot> = {
    files,
    recordings: new FilesRoot(path.join(vault.mountPoint, 'recordings')),
  };
  const trash = new Trash(path.join(vault.mountPoint, '.trash'));

  /** Every route answers 423 while the vault is locked, reads included. */
  const unlocked = async (root: FileRootName = 'files'): Promise<FilesRoot> => {
    if (vault.guard.current === null || !(await vault.guard.stillMounted())) throw vaultLocked();
    return roots[root];
  };
  /** Where a change happens: READ_ONLY for anything but `files/`, before a path is even looked at. */
  const changeable = async (root: FileRootName = 'files'): Promise<FilesRoot> => {
    assertWritableRoot(root);
    return unlocked('files');
  };
  const writable = (target: string) => vault.guard.assertWritable(target);

  /** Runs `operation` on a resolved path; if a swapped-in symlink redirected it, undoes it and refuses. */
  async function guarded<T>(
    resolved: ResolvedPath,
    name: string,
    operation: () => Promise<T>,
    undo: () => Promise<unknown>,
  ): Promise<T> {
    await files.beforeOperation(resolved, name);
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      throw storageError(error);
    }
    if (!(await files.chainIsIntact(resolved))) {
      await undo().catch(() => undefined);
      throw symlinkRefused();
    }
    return result;
  }

  const mustBeFolder = async (apiPath: string, root: FileRootName = 'files'): Promise<ResolvedPath> => {
    const folder = await (await unlocked(root)).resolve(apiPath, { mustExist: true });
    if (folder.stat?.isDirectory() !== true) throw notAFolder();
    return folder;
  };

  async function batch(
    paths: readonly string[],
    each: (apiPath: string) => Promise<void>,
  ): Promise<BatchResult> {
    const result: BatchResult = { done: [], failed: [] };
    for (const apiPath of paths) {
      try {
        await each(apiPath);
        result.done.push(apiPath);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        result.failed.push({ path: apiPath, code: error.code, message: error.message });
      }
    }
    return result;
  }

  /** Sends progress of a long move or copy to the user who asked for it. */
  function progressReporter(userId: number, operation: string, total: number) {
    if (total < PROGRESS_MIN_BYTES) return undefined;
    let done = 0;
    let sentAt = 0;
    return (bytes: number) => {
      done += bytes;
      if (Date.now() - sentAt < 250 && done < total) return;
      sentAt = Date.now();
      hub.sendToUser(userId, { type: 'event', topic: 'files.progress', data: { operation, done, total } });
    };
  }

  /**
   * A folder's entries, sorted. Kept for up to a second while the folder itself is unchanged (its mtime moves
   * with every create, rename and delete in it), so a busy listing does not stat every entry on every request;
   * a file rewritten in place may show its old size for that second.
   */
  const listings = new Map<string, { at: number; mtimeMs: number; ctimeMs: number; entries: FileEntry[] }>();
  async function listingOf(folder: ResolvedPath, root: FileRootName): Promise<FileEntry[]> {
    const dir = folder.stat;
    const cached = listings.get(folder.abs);
    if (
      dir !== null &&
      cached !== undefined &&
      Date.now() - cached.at < LISTING_CACHE_MS &&
      cached.mtimeMs === dir.mtimeMs &&
      cached.ctimeMs === dir.ctimeMs
    ) {
      return cached.entries;
    }
    const entries: FileEntry[] = [];
    // Small folders synchronously (microseconds per entry, no thread-pool trips); huge ones without blocking.
    const names = await readdir(folder.abs);
    const small = names.length <= SYNC_LISTING_MAX;
    for (const name of names) {
      if (isHiddenEntry(root, name)) continue;
      const full = path.join(folder.abs, name);
      const stat = small
        ? (lstatSync(full, { throwIfNoEntry: false }) ?? null)
        : await lstat(full).catch(() => null);
      if (stat !== null) entries.push(entryOf(name, stat));
    }
    entries.sort(compareEntries);
    if (listings.size > 256) listings.clear();
    if (dir !== null)
      listings.set(folder.abs, { at: Date.now(), mtimeMs: dir.mtimeMs, ctimeMs: dir.ctimeMs, entries });
    return entries;
  }

  async function transfer(kind: 'move' | 'copy', userId: number, paths: readonly string[], to: string) {
    const target = await mustBeFolder(to);
    const sources: ResolvedPath[] = [];
    for (const apiPath of paths) {
      try {
        sources.push(await files.resolve(apiPath, { mustExist: true }));
      } catch {
        // reported per item below
      }
    }
    const total = (await Promise.all(sources.map((s) => treeSize(s.abs).catch(() => 0)))).reduce(
      (a, b) => a + b,
      0,
    );
    const progress = progressReporter(userId, kind, total);
    return batch(paths, async (apiPath) => {
      const source = await files.resolve(apiPath, { mustExist: true });
      if (source.segments.length === 0) throw rootRefused();
      const name = source.segments.at(-1) ?? '';
      const destSegments = [...target.segments, name];
      if (
        destSegments.join('/').startsWith(`${source.segments.join('/')}/`) ||
        toApiPath(destSegments) === source.api
      ) {
        throw new AppError('INVALID_MOVE', 400, 'A folder cannot go into itself.');
      }
      const dest = await files.resolve(toApiPath(destSegments), { mustExist: false });
      if (dest.stat !== null) throw alreadyExists();
      await writable(dest.abs);
      if (kind === 'copy') {
        await guarded(
          dest,
          'copy',
          () => copyTree(source.abs, dest.abs, progress),
          () => rm(dest.abs, { recursive: true, force: true }),
        );
        return;
      }
      await guarded(
        dest,
        'move',
        async () => {
          try {
            await rename(source.abs, dest.abs);
          } catch (error) {
            // Across devices: copy (fsynced, size-checked), then remove the original.
            if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
            await copyTree(source.abs, dest.abs, progress);
            await rm(source.abs, { recursive: true, force: true });
          }
        },
        () => rename(dest.abs, source.abs),
      );
    });
  }

  return {
    /** The resolver, for the download, zip and upload routes and for tests (its race hook). */
    root: files,
    trash,
    unlocked,
    changeable,
    writable,
    guarded,

    async list(apiPath: string, offset = 0, limit = PAGE_LIMIT, root: FileRootName = 'files') {
      const folder = await mustBeFolder(apiPath, root);
      const entries = await listingOf(folder, root);
      const page = Math.min(limit, PAGE_LIMIT);
      return {
        path: folder.api,
        entries: entries.slice(offset, offset + page),
        total: entries.length,
        offset,
        limit: page,
      };
    },

    async stat(apiPath: string, root: FileRootName = 'files') {
      const found = await (await unlocked(root)).resolve(apiPath, { mustExist: true });
      if (found.stat === null) throw fileNotFound();
      return { path: found.api, ...entryOf(found.segments.at(-1) ?? '', found.stat) };
    },

    async mkdir(apiPath: string, root: FileRootName = 'files') {
      const target = await (await changeable(root)).resolve(apiPath, { mustExist: false });
      if (target.segments.length === 0 || target.stat !== null) throw alreadyExists();
      await files.resolveParent(target);
      await writable(target.abs);
      await guarded(
        target,
        'mkdir',
        () => mkdir(target.abs, { mode: 0o750 }),
        () => rmdir(target.abs),
      );
      return { path: target.api, ...entryOf(target.segments.at(-1) ?? '', await lstat(target.abs)) };
    },

    async rename(apiPath: string, name: string, root: FileRootName = 'files') {
      const changing = await changeable(root);
      assertSafeName(name);
      const source = await changing.resolve(apiPath, { mustExist: true });
      if (source.segments.length === 0) throw rootRefused();
      const dest = await files.resolve(toApiPath([...source.segments.slice(0, -1), name]), {
        mustExist: false,
      });
      if (dest.stat !== null) throw alreadyExists();
      await writable(dest.abs);
      await guarded(
        dest,
        'rename',
        () => rename(source.abs, dest.abs),
        () => rename(dest.abs, source.abs),
      );
      return { path: dest.api, ...entryOf(name, await lstat(dest.abs)) };
    },

    move: async (userId: number, paths: readonly string[], to: string, root: FileRootName = 'files') => {
      await changeable(root);
      return transfer('move', userId, paths, to);
    },
    copy: async (userId: number, paths: readonly string[], to: string, root: FileRootName = 'files') => {
      await changeable(root);
      return transfer('copy', userId, paths, to);
    },

    async remove(paths: readonly string[], permanent: boolean, root: FileRootName = 'files') {
      await changeable(root);
      return batch(paths, async (apiPath) => {
        const target = await files.resolve(apiPath, { mustExist: true });
        if (target.segments.length === 0) throw rootRefused();
        await writable(target.abs);
        if (permanent) {
          await guarded(
            target,
            'delete',
            () => rm(target.abs, { recursive: true }),
            async () => undefined,
          );
        } else {
          await writable(trash.dir);
          await guarded(
            target,
            'trash',
            () => trash.put(target.abs, target.api, now()),
            async () => undefined,
          );
        }
      });
    },

    async trashList() {
      await unlocked();
      return trash.list();
    },

    async restore(ids: readonly string[]) {
      await unlocked();
      return batch(ids, async (id) => {
        const entry = await trash.get(id);
        if (entry === null) throw new AppError('NOT_FOUND', 404, 'Not in the trash.');
        const original = await files.resolve(entry.originalPath, { mustExist: false });
        // The folder it came from may be gone: put it back at the root under its own name.
        const parentOk = await files.resolveParent(original).then(
          () => true,
          () => false,
        );
        let segments = parentOk ? original.segments : [entry.name];
        for (let n = 2; (await files.resolve(toApiPath(segments), { mustExist: false })).stat !== null; n++) {
          const base = parentOk ? original.segments : [entry.name];
          segments = [...base.slice(0, -1), numbered(entry.name, n)];
        }
        const dest = await files.resolve(toApiPath(segments), { mustExist: false });
        await writable(dest.abs);
        await guarded(
          dest,
          'restore',
          () => rename(trash.itemPath(entry), dest.abs),
          () => rename(dest.abs, trash.itemPath(entry)),
        );
        await trash.forget(id);
      });
    },

    async emptyTrash() {
      await unlocked();
      await writable(trash.dir);
      return trash.empty();
    },
  };
}

export type FilesService = ReturnType<typeof createFilesService>;

/** "photo.jpg" → "photo (2).jpg": the name a second copy gets instead of replacing the first. */
export function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

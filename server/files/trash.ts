import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { treeSize } from './file-copy.js';

/** One deleted entry, restorable until the trash is emptied. */
export interface TrashEntry {
  id: string;
  name: string;
  originalPath: string;
  type: 'file' | 'dir' | 'other';
  size: number;
  deletedAt: string;
}

const ID = /^[0-9a-f-]{36}$/;

/**
 * The trash lives inside the vault (`<vault>/.trash`, beside `files/`, never under it), so deleted files stay as
 * encrypted as the rest: each entry is `<id>/` holding the item under its own name, and `<id>.json` saying where it
 * came from. Moving in and out is a rename on the same volume.
 */
export class Trash {
  constructor(readonly dir: string) {}

  async put(source: string, originalPath: string, now: Date): Promise<TrashEntry> {
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
    const stat = await lstat(source);
    const id = randomUUID();
    const name = path.basename(source);
    const entry: TrashEntry = {
      id,
      name,
      originalPath,
      type: stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other',
      size: await treeSize(source),
      deletedAt: now.toISOString(),
    };
    await mkdir(path.join(this.dir, id));
    await writeFile(path.join(this.dir, `${id}.json`), JSON.stringify(entry));
    await rename(source, path.join(this.dir, id, name));
    return entry;
  }

  async list(): Promise<TrashEntry[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries: TrashEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || !ID.test(name.slice(0, -5))) continue;
      try {
        entries.push(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as TrashEntry);
      } catch {
        // a half-written record from a crash: its item is still under <id>/ and goes when the trash is emptied
      }
    }
    return entries.sort((a, b) => b.deletedAt.localeCompare(a.deletedAt));
  }

  async get(id: string): Promise<TrashEntry | null> {
    if (!ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(path.join(this.dir, `${id}.json`), 'utf8')) as TrashEntry;
    } catch {
      return null;
    }
  }

  /** Where the entry's item is now. */
  itemPath(entry: TrashEntry): string {
    return path.join(this.dir, entry.id, entry.name);
  }

  async forget(id: string): Promise<void> {
    await rm(path.join(this.dir, `${id}.json`), { force: true });
    await rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  async empty(): Promise<number> {
    const entries = await this.list();
    await rm(this.dir, { recursive: true, force: true });
    return entries.length;
  }
}

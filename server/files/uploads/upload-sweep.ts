import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VaultGuard } from '../../vault/vault-guard.js';

export interface SweepOptions {
  guard: VaultGuard;
  /** tus partials and their `<id>.json` info (FileStore's layout). */
  tusDir: string;
  /** Multipart partials (`<random>.part`). */
  multipartDir: string;
  /** Age after which a partial upload is removed, in ms. */
  expiryMs: number;
  now: () => Date;
  /** True for a tus id or a multipart partial's path that is being written right now. */
  busy: (idOrPath: string) => boolean;
}

/**
 * Removes partial uploads older than the expiry: a tus upload by the creation date in its info (the same date
 * tus uses to answer 410 Gone), anything without readable info (a crash's leftovers, multipart partials) by its
 * mtime. Does nothing while the vault is locked. Returns how many uploads it removed.
 */
export async function sweepExpiredUploads(options: SweepOptions): Promise<number> {
  const { guard, expiryMs } = options;
  if (guard.current === null || !(await guard.stillMounted())) return 0;
  const cutoff = options.now().getTime() - expiryMs;
  let removed = 0;

  const tusNames = await namesIn(options.tusDir);
  if (tusNames.length > 0) await guard.assertWritable(options.tusDir);
  for (const id of new Set(tusNames.map((name) => name.replace(/\.json$/, '')))) {
    if (options.busy(id)) continue;
    const born =
      (await createdAt(path.join(options.tusDir, `${id}.json`))) ??
      (await mtimeOf(options.tusDir, id)) ??
      (await mtimeOf(options.tusDir, `${id}.json`));
    if (born === null || born >= cutoff) continue;
    await rm(path.join(options.tusDir, id), { force: true });
    await rm(path.join(options.tusDir, `${id}.json`), { force: true });
    removed++;
  }

  const partials = await namesIn(options.multipartDir);
  if (partials.length > 0) await guard.assertWritable(options.multipartDir);
  for (const name of partials) {
    const file = path.join(options.multipartDir, name);
    if (options.busy(file)) continue;
    const modified = await mtimeOf(options.multipartDir, name);
    if (modified === null || modified >= cutoff) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // no upload since the vault was made
    throw error;
  }
}

/** The creation date recorded in a tus info file, in ms, or null if there is none to read. */
async function createdAt(infoFile: string): Promise<number | null> {
  try {
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as { creation_date?: unknown };
    const at = typeof info.creation_date === 'string' ? Date.parse(info.creation_date) : NaN;
    return Number.isNaN(at) ? null : at;
  } catch {
    return null; // missing or torn info: the caller judges the partial by its mtime instead
  }
}

async function mtimeOf(dir: string, name: string): Promise<number | null> {
  const stat = await lstat(path.join(dir, name)).catch(() => null); // gone meanwhile: nothing to sweep
  return stat === null ? null : stat.mtimeMs;
}

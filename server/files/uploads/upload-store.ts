import { FileStore } from '@tus/file-store';
import { DataStore, type Upload } from '@tus/server';
import { mkdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import { vaultLocked, type MountedVault, type VaultGuard } from '../../vault/vault-guard.js';
import { storageError } from '../file-copy.js';
import type { InFlight } from './in-flight.js';
import { streamToFile } from './stream-to-file.js';

/** tus upload ids: 16 random bytes in hex. Anything else in a URL is not an upload of ours. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

export const uploadNotFound = () => new AppError('NOT_FOUND', 404, 'No such upload.');

const isDiskFull = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
};

/** Throws INSUFFICIENT_STORAGE (507) when the volume under `dir` has fewer than `bytes` free. */
export async function assertRoom(dir: string, bytes: number): Promise<void> {
  const space = await statfs(dir);
  if (space.bavail * space.bsize < bytes) {
    throw new AppError('INSUFFICIENT_STORAGE', 507, 'The vault does not have room for that upload.');
  }
}

/**
 * The tus data store: @tus/file-store's FileStore in `<vault>/.uploads/tus/`, behind the vault's guard.
 *
 * - A FileStore makes its folder when it is constructed, so one is made only after the guard passed, once per
 *   unlock: a locked vault's bare mount point on the system disk never gets a `.uploads` folder.
 * - Every operation asks the guard first (423 while locked or unmounted behind Vigil's back), and writes also
 *   ask `inFlight` (423 while a safe lock is under way), which can abort them.
 * - Writes are ours: FileStore turns every write error into a 500, and a full vault must answer 507. On a full
 *   vault the partial is removed: a dead upload holding the last free bytes would starve the recorder.
 * - Creation dates come from the injected clock, so expiry can be tested without waiting.
 */
export class VaultUploadStore extends DataStore {
  private current: { mounted: MountedVault; store: FileStore } | null = null;
  private readonly writing = new Set<string>();

  constructor(
    private readonly deps: {
      guard: VaultGuard;
      /** `<vault>/.uploads/tus`. */
      dir: string;
      /** Partial uploads older than this are refused and swept, in ms. */
      expiryMs: number;
      now: () => Date;
      inFlight: InFlight;
    },
  ) {
    super();
    // No creation-defer-length: every upload declares its size up front, so the limit and the room are known.
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  }

  get dir(): string {
    return this.deps.dir;
  }

  /** The partial file of an upload (the id is checked, so it never names anything else). */
  partialPath(id: string): string {
    if (!UPLOAD_ID.test(id)) throw uploadNotFound();
    return path.join(this.deps.dir, id);
  }

  /** True while bytes are being written to that upload (the sweep and the finaliser leave it alone). */
  isWriting(id: string): boolean {
    return this.writing.has(id);
  }

  private async fileStore(): Promise<FileStore> {
    const mounted = await this.deps.guard.assertWritable(this.deps.dir);
    if (this.current?.mounted !== mounted) {
      await mkdir(this.deps.dir, { recursive: true, mode: 0o700 });
      this.current = {
        mounted,
        store: new FileStore({
          directory: this.deps.dir,
          expirationPeriodInMilliseconds: this.deps.expiryMs,
        }),
      };
    }
    return this.current.store;
  }

  override async create(upload: Upload): Promise<Upload> {
    this.partialPath(upload.id);
    const store = await this.fileStore();
    // Checked right before the work is tracked, so a lock starting meanwhile either refuses or waits for it.
    this.deps.inFlight.assertAccepting();
    upload.creation_date = this.deps.now().toISOString();
    return this.deps.inFlight.track(() =>
      store.create(upload).catch((error: unknown) => {
        throw storageError(error);
      }),
    );
  }

  override async getUpload(id: string): Promise<Upload> {
    this.partialPath(id);
    return (await this.fileStore()).getUpload(id);
  }

  /** The upload's stored info, or null (HEAD, PATCH and DELETE check who owns it before tus runs). */
  async info(id: string): Promise<Upload | null> {
    if (!UPLOAD_ID.test(id)) return null;
    return (await (await this.fileStore()).configstore.get(id)) ?? null;
  }

  override async remove(id: string): Promise<void> {
    this.partialPath(id);
    const store = await this.fileStore();
    await this.deps.inFlight.track(() => store.remove(id));
  }

  /** Forgets a finalised upload: its partial was moved into place, only its info is left. */
  async forget(id: string): Promise<void> {
    this.partialPath(id);
    const store = await this.fileStore();
    await this.deps.inFlight.track(() => store.configstore.delete(id));
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const file = this.partialPath(id);
    await this.fileStore();
    this.deps.inFlight.assertAccepting();
    return this.deps.inFlight.track(async () => {
      // A safe lock stops the transfer; what reached the disk stays, and the client resumes after unlock.
      const stopAbort = this.deps.inFlight.onAbort(() => readable.destroy(vaultLocked()));
      this.writing.add(id);
      try {
        return offset + (await streamToFile(readable, file, { flags: 'r+', start: offset }));
      } catch (error) {
        if (!isDiskFull(error)) throw error; // tus tells a client's disconnect and its size limits apart
        // Already gone, or the vault locked meanwhile: the expiry sweep removes it later.
        await this.remove(id).catch(() => undefined);
        throw storageError(error);
      } finally {
        stopAbort();
        this.writing.delete(id);
      }
    });
  }

  override async declareUploadLength(): Promise<void> {
    throw new AppError('NOT_SUPPORTED', 501, 'Uploads declare their length when they are created.');
  }

  override getExpiration(): number {
    return this.deps.expiryMs;
  }
}

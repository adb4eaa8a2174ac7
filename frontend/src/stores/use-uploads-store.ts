// Uploads over tus (/api/uploads) with Uppy: resumable in chunks, so a dropped connection costs one chunk at
// most and tus picks up from the server's offset on its own. A store rather than the page's state, so uploads
// carry on while the user looks at other pages. Folders of a drop are created first, then each file goes into
// its folder through the tus `path` metadata.
import Uppy from '@uppy/core';
import Tus, { type TusBody, type TusOptions } from '@uppy/tus';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { api, isApiError } from '../api/client';
import { UPLOADS_ENDPOINT } from '../api/urls';
import { errorMessage } from '../api/error-message';
import type { UploadConflict } from '../api/types';
import type { UploadPlan } from '../lib/drop-entries';
import { joinPath } from '../lib/file-paths';
import { shouldRetryUpload, tusFailureOf, uploadError } from '../lib/upload-error';
import { isSettled, SpeedMeter, summarize, type UploadRow } from '../lib/upload-summary';
import { useAuthStore } from './use-auth-store';
import { useFilesStore } from './use-files-store';

/** Bytes per tus PATCH (8 MiB): what a dropped connection can cost, and small enough for slow links. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** Files sent at the same time; the rest wait their turn. */
export const PARALLEL_UPLOADS = 3;
/**
 * Waits before each automatic retry after a dropped connection or a server error, in milliseconds: about 5
 * minutes in all, long enough for a router restart or a Wi-Fi hand-over. Each retry resumes from the offset the
 * server reports. While the browser is offline, Uppy holds the queue until it is back online.
 */
export const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 30_000, 60_000, 60_000, 60_000];

/** tus Upload-Metadata sent with every file; the server reads `filename`, `path` and `conflict`. */
interface UploadMeta extends Record<string, unknown> {
  filename: string;
  /** The target folder (API path). */
  path: string;
  conflict: UploadConflict;
  /** Not sent: part of Uppy's file id, so the same file bound for another folder is a separate upload. */
  relativePath: string;
}

/** Response header of the request that stored the file: its API path, percent-encoded. */
const UPLOADED_PATH_HEADER = 'Vigil-Upload-Path';
/** How often speeds are recomputed while uploads run, in milliseconds (so a stall reads as 0 B/s). */
const TICK_MS = 1000;

export const useUploadsStore = defineStore('uploads', () => {
  const auth = useAuthStore();
  const files = useFilesStore();

  const rows = ref<UploadRow[]>([]);
  /** What a finished upload does when the name is taken: keep both (rename), replace, or skip. */
  const conflict = ref<UploadConflict>('rename');
  /** Folders still being created before their files can start. */
  const preparing = ref(0);
  /** A sentence about the last batch that is not any one row's (unreadable items). */
  const notice = ref<string | null>(null);

  const summary = computed(() => summarize(rows.value));
  const totalSpeed = computed(() =>
    rows.value.reduce((sum, row) => (row.status === 'uploading' ? sum + row.speed : sum), 0),
  );
  const busy = computed(() => summary.value.active > 0 || preparing.value > 0);

  let uppy: Uppy<UploadMeta, TusBody> | null = null;
  const byId = new Map<string, UploadRow>();
  const meters = new Map<string, SpeedMeter>();
  let localIds = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;

  function row(id: string | undefined): UploadRow | undefined {
    return id === undefined ? undefined : byId.get(id);
  }

  function settle(target: UploadRow, status: UploadRow['status'], error: string | null = null): void {
    target.status = status;
    target.error = error;
    target.speed = 0;
    meters.delete(target.id);
  }

  /** Shows new files in the folder on screen, at most twice a second while a batch finishes. */
  function refreshFolder(folder: string): void {
    if (folder !== files.folder || !files.active || reloadTimer !== undefined) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      files.reload();
    }, 500);
  }

  function tick(): void {
    const now = performance.now();
    for (const target of rows.value) {
      if (target.status === 'uploading') target.speed = meters.get(target.id)?.rate(now) ?? 0;
    }
    if (!busy.value) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  function startTicking(): void {
    ticker ??= setInterval(tick, TICK_MS);
  }

  function instance(): Uppy<UploadMeta, TusBody> {
    if (uppy !== null) return uppy;
    const created = new Uppy<UploadMeta, TusBody>({ autoProceed: false, allowMultipleUploadBatches: true });
    created.use(Tus, {
      endpoint: UPLOADS_ENDPOINT,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      limit: PARALLEL_UPLOADS,
      allowedMetaFields: ['filename', 'path', 'conflict'],
      // Only unfinished uploads are remembered (by file and folder) for resuming after a reload.
      removeFingerprintOnSuccess: true,
    });

    created.on('upload-progress', (file, progress) => {
      const target = row(file?.id);
      if (target === undefined || isSettled(target.status)) return;
      const sent = typeof progress.bytesUploaded === 'number' ? progress.bytesUploaded : 0;
      target.sent = sent;
      target.status = 'uploading';
      let meter = meters.get(target.id);
      if (meter === undefined) {
        meter = new SpeedMeter();
        meters.set(target.id, meter);
      }
      meter.add(performance.now(), sent);
      target.speed = meter.rate(performance.now());
    });

    created.on('upload-success', (file, response) => {
      const target = row(file?.id);
      if (target === undefined) return;
      target.sent = target.size;
      const header = response.body?.xhr.getResponseHeader(UPLOADED_PATH_HEADER) ?? null;
      target.savedAs = header === null ? joinPath(target.folder, target.name) : decodeURIComponent(header);
      settle(target, 'done');
      refreshFolder(target.folder);
      // Later, once the tus plugin has let go of it: removing it inside this event would cancel the upload.
      setTimeout(() => {
        if (uppy?.getFile(target.id) !== undefined) uppy.removeFile(target.id);
      }, 0);
    });

    created.on('upload-error', (file, error) => {
      const target = row(file?.id);
      if (target === undefined || target.status === 'cancelled') return;
      const failure = uploadError(tusFailureOf(error), error);
      if (failure.code === 'ALREADY_EXISTS' && file?.meta.conflict === 'fail') {
        settle(target, 'skipped', 'Skipped: something with that name is already there.');
        created.removeFile(target.id);
        return;
      }
      settle(target, 'failed', errorMessage(failure));
    });

    uppy = created;
    return created;
  }

  /** tus's retry decision for one file: ours first (refusals are final), then Uppy's (offline, rate limits). */
  function retryFor(id: string): NonNullable<TusOptions<UploadMeta, TusBody>['onShouldRetry']> {
    return (err, _attempt, _options, next) => {
      if (!shouldRetryUpload(tusFailureOf(err))) return false;
      const retrying = next(err);
      const target = row(id);
      if (retrying && target !== undefined && !isSettled(target.status)) {
        target.status = 'reconnecting';
        target.speed = 0;
      }
      return retrying;
    };
  }

  function addRow(init: Pick<UploadRow, 'id' | 'name' | 'folder' | 'size'>): UploadRow {
    rows.value.push({ ...init, sent: 0, status: 'waiting', error: null, savedAs: null, speed: 0 });
    const added = rows.value.at(-1);
    if (added === undefined) throw new Error('The upload list lost a row it was given.');
    byId.set(added.id, added);
    return added;
  }

  /** Creates the plan's folders (those already there are fine), then queues every file and starts. */
  async function enqueue(plan: UploadPlan, unreadable: readonly string[] = []): Promise<void> {
    const policy = conflict.value;
    notice.value =
      unreadable.length === 0
        ? null
        : `${unreadable.length} item${unreadable.length === 1 ? '' : 's'} could not be read and ${
            unreadable.length === 1 ? 'was' : 'were'
          } left out: ${unreadable.join(', ')}.`;
    const brokenFolders = new Map<string, string>();
    preparing.value += plan.folders.length;
    try {
      for (const folder of plan.folders) {
        try {
          // Below a folder that could not be created nothing can be: say why once, for all of them.
          const parent = [...brokenFolders].find(([bad]) => folder.startsWith(`${bad}/`));
          if (parent !== undefined) {
            brokenFolders.set(folder, parent[1]);
            continue;
          }
          await api.makeFolder(folder);
        } catch (err) {
          // A folder that is already there is what a second drop of the same tree finds: upload into it.
          if (!isApiError(err, 'ALREADY_EXISTS')) brokenFolders.set(folder, errorMessage(err));
        } finally {
          preparing.value -= 1;
        }
      }
    } finally {
      if (plan.folders.length > 0) refreshFolder(files.folder);
    }

    const uploader = instance();
    for (const { file, folder } of plan.files) {
      const base = { name: file.name, folder, size: file.size };
      const problem = brokenFolders.get(folder);
      if (problem !== undefined) {
        settle(
          addRow({ id: `local-${++localIds}`, ...base }),
          'failed',
          `The folder could not be created. ${problem}`,
        );
        continue;
      }
      let id: string;
      try {
        id = uploader.addFile({
          name: file.name,
          type: file.type,
          data: file,
          meta: {
            filename: file.name,
            path: folder,
            conflict: policy,
            relativePath: `${joinPath(folder, file.name)}#${policy}`,
          },
        });
      } catch (err) {
        // Uppy refuses the same file for the same folder twice while the first is still listed.
        console.warn(`Not queued: ${file.name}`, err);
        settle(addRow({ id: `local-${++localIds}`, ...base }), 'skipped', 'Already in the upload list.');
        continue;
      }
      // Per-file tus options (addFile drops them), so a retry knows which row is reconnecting.
      uploader.setFileState(id, { tus: { onShouldRetry: retryFor(id) } });
      addRow({ id, ...base });
    }
    startTicking();
    // Per-file outcomes arrive as events; the batch's promise has nothing more to say.
    uploader.upload().catch((err: unknown) => console.warn('The upload batch stopped', err));
  }

  /** Stops one file; its partial data on the server goes too. */
  function cancel(id: string): void {
    const target = row(id);
    if (target === undefined || target.status === 'done' || target.status === 'cancelled') return;
    settle(target, 'cancelled');
    if (uppy?.getFile(id) !== undefined) uppy.removeFile(id);
  }

  /** Stops everything not finished yet, failed files included. */
  function cancelAll(): void {
    for (const target of rows.value) {
      if (target.status !== 'done' && target.status !== 'skipped') cancel(target.id);
    }
  }

  /** Tries a failed file again, resuming where it stopped when the server still has its partial data. */
  function retry(id: string): void {
    const target = row(id);
    if (target?.status !== 'failed' || uppy?.getFile(id) === undefined) return;
    target.status = 'waiting';
    target.error = null;
    startTicking();
    uppy.retryUpload(id).catch((err: unknown) => console.warn(`Retrying ${target.name} stopped`, err));
  }

  function retryFailed(): void {
    for (const target of rows.value) if (target.status === 'failed') retry(target.id);
  }

  /** Takes finished, skipped and cancelled rows off the list. */
  function clearFinished(): void {
    rows.value = rows.value.filter((target) => {
      const keep = !isSettled(target.status) || target.status === 'failed';
      if (!keep) byId.delete(target.id);
      return keep;
    });
    // The array was replaced: point the lookup at the new (reactive) rows.
    for (const target of rows.value) byId.set(target.id, target);
    if (rows.value.length === 0) notice.value = null;
  }

  // The page may close while uploads run: the browser asks first, since leaving stops them.
  window.addEventListener('beforeunload', (event) => {
    if (busy.value) event.preventDefault();
  });

  watch(
    () => auth.user?.id,
    () => {
      uppy?.cancelAll();
      rows.value = [];
      byId.clear();
      meters.clear();
      notice.value = null;
    },
  );

  return {
    rows,
    conflict,
    preparing,
    notice,
    summary,
    totalSpeed,
    busy,
    enqueue,
    cancel,
    cancelAll,
    retry,
    retryFailed,
    clearFinished,
  };
});

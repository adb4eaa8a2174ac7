// Addresses the page uses directly (links, media elements, the tus endpoint) and the query-string helper the
// API client shares; no requests are made here.

import type { FileRootName } from './types';

/** A query string from defined values; arrays repeat their key (?path=/a&path=/b). */
export function query(
  params: Record<string, string | number | boolean | readonly string[] | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) search.append(key, item);
    else search.append(key, String(value));
  }
  return search.toString();
}

/** The `root` parameter of a file route: left out for files/, the default. */
const rootParam = (root: FileRootName) => (root === 'files' ? undefined : root);

/**
 * A file's download address, for links and media elements (the session cookie goes along). With `inline`
 * the server lets the browser show safe types in place; everything else arrives as an attachment.
 */
export function fileDownloadUrl(path: string, inline = false, root: FileRootName = 'files'): string {
  return `/api/files/download?${query({ root: rootParam(root), path, inline: inline ? true : undefined })}`;
}

/** A zip of the given entries, streamed by the server, as a plain link (nothing is held in the page). */
export function zipDownloadUrl(paths: readonly string[], root: FileRootName = 'files'): string {
  return `/api/files/zip?${query({ root: rootParam(root), path: paths })}`;
}

/** The tus endpoint for resumable uploads. */
export const UPLOADS_ENDPOINT = '/api/uploads';

/** A multipart MJPEG stream of the camera's pictures (about 2 a second), usable as an <img> src. */
export function cameraMjpegUrl(id: number): string {
  return `/api/cameras/${id}/mjpeg`;
}

/** The camera's newest picture as JPEG; `bust` defeats the browser cache when polling. */
export function cameraSnapshotUrl(id: number, bust?: number): string {
  return bust === undefined ? `/api/cameras/${id}/snapshot.jpg` : `/api/cameras/${id}/snapshot.jpg?t=${bust}`;
}

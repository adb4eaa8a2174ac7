/**
 * What the server and the export program (media/recording-export.ts) say to each other over the IPC channel of a
 * `fork` with `serialization: 'advanced'`. The footage itself does not go over IPC: the server writes the joined
 * MPEG-TS into the program's stdin and closes it at the end; the program answers once, then exits.
 */

/** Server → program: remux what arrives on stdin into one MP4. */
export interface ExportRequest {
  type: 'export';
  /** Absolute path of the MP4 to write (a partial file on the vault; the server renames it into place). */
  output: string;
  /** Absolute path where mp4mux keeps the pictures until it writes them behind the index (on the vault too). */
  faststartFile: string;
  /** The first segment carries AAC audio: it goes into the MP4 too. */
  audio: boolean;
}

/** Program → server: the MP4 is complete (EOS reached the file), or why not. */
export type ExportReply = { type: 'done' } | { type: 'error'; message: string };

/** A request the program cannot act on. */
export class BadExportRequestError extends Error {
  readonly code = 'BAD_CONFIG';
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const absolutePath = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || !value.startsWith('/') || CONTROL.test(value))
    throw new BadExportRequestError(`${what} must be an absolute path without control characters`);
  return value;
};

/** The request as sent, checked: two absolute paths without control characters, and whether there is audio. */
export function parseExportRequest(raw: unknown): ExportRequest {
  if (typeof raw !== 'object' || raw === null) throw new BadExportRequestError('not a message');
  const { type, output, faststartFile, audio } = raw as Record<string, unknown>;
  if (type !== 'export') throw new BadExportRequestError(`unexpected message ${String(type)}`);
  if (typeof audio !== 'boolean') throw new BadExportRequestError('audio must be true or false');
  return {
    type,
    output: absolutePath(output, 'output'),
    faststartFile: absolutePath(faststartFile, 'faststartFile'),
    audio,
  };
}

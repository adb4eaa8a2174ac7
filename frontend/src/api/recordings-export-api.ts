// Exporting a recorded range as one MP4 into Files (editors and admins). The server answers at once; the
// progress arrives on the live socket. The wire types come, as types only, from the server's TypeBox schemas.
import type {
  ExportBody,
  ExportProgress as ExportProgressWire,
  ExportStarted as ExportStartedWire,
} from '../../../server/recordings/recordings-export.schemas';
import { requestJson } from './client';

/** POST /api/recordings/export: camera id and the span [from, to) in epoch ms (at most 24 h). */
export type ExportRequest = ExportBody;
/** The 202 answer: the export's id (as its progress names it), the MP4's name and its Files path. */
export type ExportStarted = ExportStartedWire;
/** One push on topic `recordings.export`: running (progress 0..1), done (at `path`) or failed (`error`). */
export type ExportProgress = ExportProgressWire;

export const recordingsExportApi = {
  start: async (body: ExportRequest) =>
    (await requestJson('POST', '/api/recordings/export', { body })) as ExportStarted,
};

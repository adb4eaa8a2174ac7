/**
 * Users' detectors on disk, under the data dir (models are not footage, so they live on the system disk):
 * `<dir>/<id>/model.onnx` beside `<dir>/<id>/detector.json`, and `<dir>/active.json` naming the chosen one.
 * Everything arrives in `<dir>/.incoming/` first and appears by one rename, so a failed or interrupted upload
 * never leaves a detector half there; leftovers of a crash are swept when the store opens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UserDetectorSpec } from '../../inference/protocol.js';

export interface DetectorRecord {
  id: string;
  name: string;
  spec: UserDetectorSpec;
  input: { name: string; shape: number[] };
  outputs: { name: string; shape: number[] }[];
  sha256: string;
  bytes: number;
  createdAt: string;
}

const RECORD = 'detector.json';
const MODEL = 'model.onnx';
const ACTIVE = 'active.json';
const INCOMING = '.incoming';
const ID = /^[a-z0-9-]{1,64}$/;

export function createDetectorsStore(dir: string) {
  const incoming = path.join(dir, INCOMING);
  // Whatever is here was left by a crash mid-upload: nothing refers to it.
  rmSync(incoming, { recursive: true, force: true });
  mkdirSync(incoming, { recursive: true, mode: 0o700 });

  /** Writes `name` in `dir` by rename, so readers see the old or the new content, never a part. */
  async function writeAtomically(target: string, content: string): Promise<void> {
    const temporary = path.join(incoming, `${randomUUID()}.json`);
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, target);
  }

  return {
    /** A fresh file to receive an upload into (the caller removes it if it does not keep it). */
    temporaryFile: (): string => path.join(incoming, `${randomUUID()}.onnx`),

    list(): DetectorRecord[] {
      const records: DetectorRecord[] = [];
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory() || !ID.test(entry.name)) continue;
        const record = this.get(entry.name);
        if (record) records.push(record);
      }
      return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    get(id: string): DetectorRecord | null {
      if (!ID.test(id)) return null;
      try {
        return JSON.parse(readFileSync(path.join(dir, id, RECORD), 'utf8')) as DetectorRecord;
      } catch {
        // No such detector (or a folder that is not one): the caller answers 404.
        return null;
      }
    },

    modelFile: (id: string): string => path.join(dir, id, MODEL),

    /** Moves the validated `file` into a new detector folder with its record; returns the record. */
    async add(file: string, record: Omit<DetectorRecord, 'id'>): Promise<DetectorRecord> {
      const id = randomBytes(6).toString('hex');
      const staging = path.join(incoming, id);
      try {
        await mkdir(staging, { mode: 0o700 });
        await rename(file, path.join(staging, MODEL));
        const full = { id, ...record };
        await writeFile(path.join(staging, RECORD), JSON.stringify(full, null, 2), { mode: 0o600 });
        await rename(staging, path.join(dir, id));
        return full;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },

    async remove(id: string): Promise<void> {
      if (!ID.test(id)) return;
      // Out of sight by one rename first, so a listing never finds a half-deleted folder.
      const doomed = path.join(incoming, `${id}.deleted`);
      await rename(path.join(dir, id), doomed);
      await rm(doomed, { recursive: true, force: true });
    },

    /** The chosen detector's id; `centernet` when none was chosen. */
    active(): string {
      try {
        const { id } = JSON.parse(readFileSync(path.join(dir, ACTIVE), 'utf8')) as { id?: unknown };
        return typeof id === 'string' ? id : 'centernet';
      } catch {
        // Never chosen (or unreadable): the built-in detector.
        return 'centernet';
      }
    },

    setActive: (id: string): Promise<void> => writeAtomically(path.join(dir, ACTIVE), JSON.stringify({ id })),
  };
}
export type DetectorsStore = ReturnType<typeof createDetectorsStore>;

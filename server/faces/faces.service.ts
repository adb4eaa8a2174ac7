/**
 * Face recognition's people: enrol from an event's face or an uploaded photo, add samples ("this is …"), rename,
 * merge, delete. Every change is pushed to the inference worker (its list of known faces), as is every unlock
 * (the list from vault.db) and lock (an empty list: a locked vault recognises nobody). A new sample also labels
 * the unknown event faces it matches. Photos are described by the worker (server/detection's `describe`).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { KnownFace } from '../../inference/protocol.js';
import {
  detectionUnavailable,
  FACE_THRESHOLD,
  type InferenceSupervisor,
} from '../detection/inference-supervisor.js';
import { AppError, notFound } from '../errors.js';
import type { EventsService } from '../events/events.service.js';
import type { VaultService } from '../vault/vault.service.js';
import { similarity } from '../../inference/detect/similarity.js';
import { createEventFacesHook } from './event-faces.js';
import type { EventFaceRecord } from './event-faces.store.js';
import { createFacesContext, newSampleCropPath, type FaceStores } from './faces-context.js';
import type { PersonRecord } from './faces.store.js';

/** A person as the API shows them. */
export interface PersonView extends PersonRecord {
  sampleCount: number;
}

/** More samples add little and cost the worker a comparison each per face. */
export const MAX_SAMPLES = 50;
/** How many of the newest unknown faces a new sample is matched against. */
const MATCH_SCAN = 5_000;

const view = (record: PersonRecord): PersonView => ({ ...record, sampleCount: record.sampleIds.length });

function cleanName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AppError(
      'INVALID_NAME',
      400,
      'A name needs at least one visible character and no control characters.',
    );
  }
  return name;
}

export function createFacesService(deps: {
  vault: VaultService;
  events: EventsService;
  detection: InferenceSupervisor | null;
  log: FastifyBaseLogger;
  now: () => Date;
}) {
  const { vault, events, detection, log, now } = deps;
  const context = createFacesContext(vault);
  events.setFacesHook(createEventFacesHook({ context, log, now }));

  function push(): void {
    try {
      detection?.setFaces(context.stores()?.people.known() ?? []);
    } catch (error) {
      log.error({ err: error }, 'known faces not sent to the inference worker');
    }
  }
  vault.onDatabase(push);

  const personOf = (stores: FaceStores, id: number): PersonRecord => {
    const person = stores.people.person(id);
    if (!person) throw notFound('Person');
    return person;
  };
  const nameFree = (stores: FaceStores, name: string, except?: number) => {
    const holder = stores.people.byName(name);
    if (holder && holder.id !== except)
      throw new AppError('FACE_NAME_TAKEN', 409, `Someone is already called ${name}.`);
  };
  const roomForSample = (stores: FaceStores, faceId: number) => {
    if (stores.people.sampleCount(faceId) >= MAX_SAMPLES)
      throw new AppError(
        'TOO_MANY_SAMPLES',
        409,
        `A person has at most ${MAX_SAMPLES} samples. Remove one first.`,
      );
  };
  const eventFaceOf = (stores: FaceStores, eventId: number, faceIndex: number): EventFaceRecord => {
    const face = stores.eventFaces.at(eventId, faceIndex);
    if (!face) throw new AppError('NOT_FOUND', 404, 'That event has no such face.');
    return face;
  };

  /** The event face's crop, copied for the sample (the event may be deleted while the sample stays). */
  async function copyCrop(face: EventFaceRecord): Promise<string | null> {
    if (face.crop === null) return null;
    const bytes = await context.read(face.crop).catch(() => null);
    if (!bytes) return null;
    const crop = newSampleCropPath();
    await context.write(crop, bytes);
    return crop;
  }

  /** The largest face of a photo, described by the worker, with its crop written for the sample. */
  async function describePhoto(jpeg: Uint8Array): Promise<{ descriptor: Float32Array; crop: string }> {
    if (!detection) throw detectionUnavailable('detection is switched off on this server');
    const [face] = await detection.describe(jpeg);
    if (!face) throw new AppError('NO_FACE', 422, 'No face was found in the picture.');
    const crop = newSampleCropPath();
    await context.write(crop, face.crop);
    return { descriptor: Float32Array.from(face.descriptor), crop };
  }

  /** Inserts through `commit`; a failed commit takes the sample's crop file back out. */
  async function committing<T>(crop: string | null, commit: () => T): Promise<T> {
    try {
      return commit();
    } catch (error) {
      if (crop !== null)
        await context
          .remove(crop)
          .catch((cause: unknown) => log.warn({ err: cause }, 'sample crop left behind'));
      throw error;
    }
  }

  /** After a new sample: label the unknown faces it matches, rebuild the events' names, tell the worker. */
  function sampleAdded(
    stores: FaceStores,
    faceId: number,
    descriptor: Float32Array,
    eventIds: number[],
  ): PersonView {
    const touched = [...eventIds];
    for (const unknown of stores.eventFaces.unknown(MATCH_SCAN)) {
      const score = similarity(descriptor, unknown.descriptor);
      if (score < FACE_THRESHOLD) continue;
      stores.eventFaces.label(unknown.id, faceId, Math.round(score * 1000) / 1000);
      touched.push(unknown.eventId);
    }
    stores.eventFaces.refreshEvents(touched);
    push();
    return view(personOf(stores, faceId));
  }

  return {
    list(): PersonView[] {
      return context.storesOrLocked().people.people().map(view);
    },
    get(id: number): PersonView {
      return view(personOf(context.storesOrLocked(), id));
    },
    /** Unknown faces from events, newest first; `before` is the previous page's last (seenAt, id). */
    candidates(before: { seenAt: number; id: number } | undefined, limit: number) {
      return context.storesOrLocked().eventFaces.candidates(before, limit);
    },
    /** What the inference worker matches against. */
    known(): KnownFace[] {
      return context.storesOrLocked().people.known();
    },

    async sampleCrop(id: number): Promise<Buffer> {
      const sample = context.storesOrLocked().people.sample(id);
      if (!sample) throw notFound('Sample');
      return context.read(sample.crop);
    },
    async eventFaceCrop(eventId: number, faceIndex: number): Promise<Buffer> {
      return context.read(eventFaceOf(context.storesOrLocked(), eventId, faceIndex).crop);
    },

    /** A new person from an event's face ("enrol as …"); the face is theirs from now on. */
    enrolFromEvent(rawName: string, eventId: number, faceIndex: number): Promise<PersonView> {
      const stores = context.storesOrLocked();
      const name = cleanName(rawName);
      nameFree(stores, name);
      const face = eventFaceOf(stores, eventId, faceIndex);
      return context.track(
        (async () => {
          const crop = await copyCrop(face);
          const id = await committing(crop, () =>
            stores.people.transaction(() => {
              nameFree(stores, name);
              const id = stores.people.insertPerson(name, now().getTime());
              const sample = {
                faceId: id,
                descriptor: face.descriptor,
                crop,
                source: 'event' as const,
                eventId,
              };
              stores.people.insertSample({ ...sample, createdAt: now().getTime() });
              stores.eventFaces.label(face.id, id, 1);
              return id;
            }),
          );
          return sampleAdded(stores, id, face.descriptor, [eventId]);
        })(),
      );
    },

    /** "This is …": an event's face becomes a sample of an existing person. */
    addSampleFromEvent(faceId: number, eventId: number, faceIndex: number): Promise<PersonView> {
      const stores = context.storesOrLocked();
      personOf(stores, faceId);
      const face = eventFaceOf(stores, eventId, faceIndex);
      if (stores.people.hasSample(faceId, eventId, face.descriptor)) {
        stores.eventFaces.label(face.id, faceId, 1);
        return Promise.resolve(sampleAdded(stores, faceId, face.descriptor, [eventId]));
      }
      roomForSample(stores, faceId);
      return context.track(
        (async () => {
          const crop = await copyCrop(face);
          await committing(crop, () =>
            stores.people.transaction(() => {
              personOf(stores, faceId);
              roomForSample(stores, faceId);
              const sample = { faceId, descriptor: face.descriptor, crop, source: 'event' as const, eventId };
              stores.people.insertSample({ ...sample, createdAt: now().getTime() });
              stores.eventFaces.label(face.id, faceId, 1);
            }),
          );
          return sampleAdded(stores, faceId, face.descriptor, [eventId]);
        })(),
      );
    },

    /** A new person from a photo (its largest face). */
    enrolFromPhoto(rawName: string, jpeg: Uint8Array): Promise<PersonView> {
      const stores = context.storesOrLocked();
      const name = cleanName(rawName);
      nameFree(stores, name);
      return context.track(
        (async () => {
          const { descriptor, crop } = await describePhoto(jpeg);
          const id = await committing(crop, () =>
            stores.people.transaction(() => {
              nameFree(stores, name);
              const id = stores.people.insertPerson(name, now().getTime());
              const sample = { faceId: id, descriptor, crop, source: 'upload' as const, eventId: null };
              stores.people.insertSample({ ...sample, createdAt: now().getTime() });
              return id;
            }),
          );
          return sampleAdded(stores, id, descriptor, []);
        })(),
      );
    },

    /** A photo's largest face as another sample of an existing person. */
    addSampleFromPhoto(faceId: number, jpeg: Uint8Array): Promise<PersonView> {
      const stores = context.storesOrLocked();
      personOf(stores, faceId);
      roomForSample(stores, faceId);
      return context.track(
        (async () => {
          const { descriptor, crop } = await describePhoto(jpeg);
          await committing(crop, () =>
            stores.people.transaction(() => {
              personOf(stores, faceId);
              roomForSample(stores, faceId);
              const sample = { faceId, descriptor, crop, source: 'upload' as const, eventId: null };
              stores.people.insertSample({ ...sample, createdAt: now().getTime() });
            }),
          );
          return sampleAdded(stores, faceId, descriptor, []);
        })(),
      );
    },

    rename(id: number, rawName: string): PersonView {
      const stores = context.storesOrLocked();
      personOf(stores, id);
      const name = cleanName(rawName);
      nameFree(stores, name, id);
      stores.people.rename(id, name);
      stores.eventFaces.refreshEvents(stores.eventFaces.eventIdsOf(id));
      push();
      return view(personOf(stores, id));
    },

    /** `id`'s samples and event faces become `into`'s; `id` goes. */
    merge(id: number, into: number): PersonView {
      const stores = context.storesOrLocked();
      if (id === into) throw new AppError('SAME_FACE', 400, 'A person cannot be merged into themselves.');
      personOf(stores, id);
      personOf(stores, into);
      stores.people.transaction(() => {
        stores.people.moveSamples(id, into);
        stores.eventFaces.relabelAll(id, into);
        stores.people.removePerson(id);
      });
      stores.eventFaces.refreshEvents(stores.eventFaces.eventIdsOf(into));
      push();
      return view(personOf(stores, into));
    },

    /** The person and their samples go; the faces of theirs seen in events become unknown again. */
    async remove(id: number): Promise<void> {
      const stores = context.storesOrLocked();
      personOf(stores, id);
      const crops = stores.people.samplesOf(id).flatMap((s) => (s.crop === null ? [] : [s.crop]));
      const eventIds = stores.eventFaces.eventIdsOf(id);
      stores.people.removePerson(id);
      stores.eventFaces.refreshEvents(eventIds);
      push();
      await removeFiles(crops);
    },

    async removeSample(id: number): Promise<void> {
      const stores = context.storesOrLocked();
      const sample = stores.people.sample(id);
      if (!sample) throw notFound('Sample');
      stores.people.removeSample(id);
      push();
      await removeFiles(sample.crop === null ? [] : [sample.crop]);
    },
  };

  /** After the rows went: a file that cannot be removed is only space, never a face without its row. */
  async function removeFiles(crops: string[]): Promise<void> {
    for (const crop of crops)
      await context
        .remove(crop)
        .catch((error: unknown) => log.warn({ err: error, crop }, 'sample crop left behind'));
  }
}

export type FacesService = ReturnType<typeof createFacesService>;

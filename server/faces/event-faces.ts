/**
 * The events service's faces hook: when a stored event's track arrives with faces, their descriptors and crops
 * are kept in event_faces (crops written under `faces/events/<event>/`), and the event shows the faces with the
 * current names, including labels a person gave while the track was still going. An event's removal takes its
 * crops along.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { FaceReport } from '../../inference/protocol.js';
import type { EventFacesHook } from '../events/events.service.js';
import type { EventFace } from '../events/events.store.js';
import { digestOf } from './descriptor.js';
import { eventCropFolder, eventCropPath, type FacesContext } from './faces-context.js';

const plain = ({ faceId, name, similarity, box }: FaceReport): EventFace => ({
  faceId,
  name,
  similarity,
  box,
});

/** A report the server can keep: a finite descriptor, and a crop that at least starts like a JPEG. */
const usable = (report: FaceReport) =>
  report.descriptor.length > 0 &&
  report.descriptor.every((v) => Number.isFinite(v)) &&
  report.crop instanceof Uint8Array &&
  report.crop[0] === 0xff &&
  report.crop[1] === 0xd8;

export function createEventFacesHook(deps: {
  context: FacesContext;
  log: FastifyBaseLogger;
  now: () => Date;
}): EventFacesHook {
  const { context, log, now } = deps;

  async function keepCrop(eventId: number, digest: string, crop: Uint8Array): Promise<void> {
    const relative = eventCropPath(eventId, digest);
    await context.write(relative, crop);
    const stores = context.stores();
    // The face (or the event) went while its crop was being written: the file must not outlive it.
    if (!stores?.eventFaces.setCrop(eventId, digest, relative)) await context.remove(relative);
  }

  return {
    track(eventId, reports) {
      const stores = context.stores();
      const kept = reports.filter(usable);
      if (!stores || kept.length === 0) return reports.map(plain);
      const reported = kept.map((report) => ({ ...report, digest: digestOf(report.descriptor) }));
      const { added, removedCrops } = stores.eventFaces.sync(eventId, reported, now().getTime());
      for (const report of reported.filter((r) => added.includes(r.digest))) {
        void context
          .track(keepCrop(eventId, report.digest, report.crop))
          .catch((error: unknown) => log.warn({ err: error, eventId }, 'event face crop not kept'));
      }
      for (const crop of removedCrops) {
        void context
          .track(context.remove(crop))
          .catch((error: unknown) => log.warn({ err: error, eventId }, 'old event face crop not removed'));
      }
      return stores.eventFaces.facesOf(eventId);
    },

    async removing(eventId) {
      await context.remove(eventCropFolder(eventId));
    },
  };
}

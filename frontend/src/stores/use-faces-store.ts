// Face recognition's people and the unknown faces seen in events. Each change replaces what it touched with the
// server's answer; a new sample may label other unknown faces on the server, so the candidates are fetched
// afresh after every change that adds one.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { facesApi, type FaceCandidate, type Person } from '../api/faces-api';

/** Candidates per page. */
const PAGE = 24;

export const useFacesStore = defineStore('faces', () => {
  const people = ref<Person[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const candidates = ref<FaceCandidate[]>([]);
  const nextCursor = ref<string | null>(null);
  const loadingMore = ref(false);

  const sorted = (list: Person[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  function upsert(person: Person): Person {
    people.value = sorted([...people.value.filter((p) => p.id !== person.id), person]);
    return person;
  }

  async function loadCandidates(): Promise<void> {
    const page = await facesApi.candidates(undefined, PAGE);
    candidates.value = page.candidates;
    nextCursor.value = page.nextCursor;
  }

  /** People and the first page of candidates. */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      const [list] = await Promise.all([facesApi.list(), loadCandidates()]);
      people.value = sorted(list);
      loaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  /** Just the people (what the "this is …" picker needs). */
  let peopleInFlight: Promise<void> | null = null;
  /** Whether the people list has been fetched once (an empty list is then an answer, not "not yet"). */
  const peopleLoaded = ref(false);

  /** The enrolled people; concurrent calls (every "this is …" picker on a page) share one request. */
  function loadPeople(): Promise<void> {
    peopleInFlight ??= facesApi
      .list()
      .then((list) => {
        people.value = sorted(list);
        peopleLoaded.value = true;
      })
      .finally(() => {
        peopleInFlight = null;
      });
    return peopleInFlight;
  }

  async function loadMoreCandidates(): Promise<void> {
    if (nextCursor.value === null || loadingMore.value) return;
    loadingMore.value = true;
    try {
      const page = await facesApi.candidates(nextCursor.value, PAGE);
      const seen = new Set(candidates.value.map((c) => c.id));
      candidates.value = [...candidates.value, ...page.candidates.filter((c) => !seen.has(c.id))];
      nextCursor.value = page.nextCursor;
    } finally {
      loadingMore.value = false;
    }
  }

  /**
   * After a new sample: the server may have labelled more faces, and counts changed. Refreshed after the caller
   * has its answer, so the card that asked (and is about to leave the list) still hears it; a failed refresh
   * only leaves the lists as they were until the next load.
   */
  function sampleAdded(person: Person): Person {
    upsert(person);
    // Candidates only matter where the Faces page has them loaded (the event page shows none).
    void Promise.all([loaded.value ? loadCandidates() : null, loadPeople()]).catch(() => undefined);
    return person;
  }

  return {
    people,
    peopleLoaded,
    loaded,
    loading,
    candidates,
    nextCursor,
    loadingMore,
    load,
    loadPeople,
    loadMoreCandidates,
    enrolFromEvent: async (name: string, eventId: number, faceIndex: number) =>
      sampleAdded(await facesApi.enrolFromEvent(name, eventId, faceIndex)),
    addFromEvent: async (id: number, eventId: number, faceIndex: number) =>
      sampleAdded(await facesApi.addFromEvent(id, eventId, faceIndex)),
    enrolFromPhoto: async (name: string, photo: Blob) =>
      sampleAdded(await facesApi.enrolFromPhoto(name, photo)),
    addFromPhoto: async (id: number, photo: Blob) => sampleAdded(await facesApi.addFromPhoto(id, photo)),
    rename: async (id: number, name: string) => upsert(await facesApi.rename(id, name)),
    async merge(id: number, into: number): Promise<Person> {
      const merged = await facesApi.merge(id, into);
      people.value = people.value.filter((p) => p.id !== id);
      return upsert(merged);
    },
    async remove(id: number): Promise<void> {
      await facesApi.remove(id);
      people.value = people.value.filter((p) => p.id !== id);
      // Their faces in events are unknown again.
      await loadCandidates();
    },
    async removeSample(person: Person, sampleId: number): Promise<void> {
      await facesApi.removeSample(sampleId);
      const sampleIds = person.sampleIds.filter((id) => id !== sampleId);
      upsert({ ...person, sampleIds, sampleCount: sampleIds.length });
    },
  };
});

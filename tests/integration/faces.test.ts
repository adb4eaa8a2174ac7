import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceReport, InferenceToServer, TrackReport } from '../../inference/protocol.js';
import { cropJpeg, descriptor, faceReport, lookAlike } from '../support/faces.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const box = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };
const track = (trackId: number, startedAt: number, faces: FaceReport[], endedAt: number | null = null) =>
  ({
    trackId,
    label: 'person',
    startedAt,
    endedAt,
    topScore: 0.9,
    box,
    path: [{ at: startedAt, box }],
    zones: [],
    stationary: false,
    faces,
  }) satisfies TrackReport;

interface Person {
  id: number;
  name: string;
  sampleCount: number;
  sampleIds: number[];
  eventCount: number;
}
interface Candidate {
  id: number;
  eventId: number;
  faceIndex: number;
  cameraId: number;
  hasCrop: boolean;
}
interface EventFace {
  faceId: number | null;
  name: string | null;
}

// Faces through the real app and the development vault's real vault.db; the worker's messages are sent as it
// sends them. Photos (which need the worker) are tested in faces-photo.test.ts.
describe('faces', () => {
  let t: TestApp;
  let viewer: string;
  let editor: string;
  let admin: string;
  let vaultRoot: string;
  const handle = (message: InferenceToServer) => t.app.vigil.services.events.handle(message);
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    cookie = editor,
  ) => t.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  const get = (url: string) => call('GET', url, undefined, viewer);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const people = async () => (await get('/api/faces')).json<Person[]>();
  const candidates = async (query = '') =>
    (await get(`/api/faces/candidates${query}`)).json<{
      candidates: Candidate[];
      nextCursor: string | null;
    }>();
  const eventFaces = async (id: number) =>
    (await get(`/api/events/${id}`)).json<{ faces: EventFace[] }>().faces;
  const eventsOfCamera = async (camera: number) =>
    (await get(`/api/events?camera=${camera}`)).json<{ events: { id: number }[] }>().events;

  const alice = descriptor(1);
  const bob = descriptor(2);
  let first: number;
  let second: number;
  let aliceId: number;
  let bobId: number;

  beforeAll(async () => {
    t = await startTestApp();
    viewer = (await t.userWithSession('viewer')).cookie;
    editor = (await t.userWithSession('editor')).cookie;
    admin = (await t.userWithSession('admin')).cookie;
    vaultRoot = t.app.vigil.services.vault.mountPoint;
  });
  afterAll(() => t.close());

  it('keeps the faces of a stored event as candidates, with their crops on the vault', async () => {
    const at = Date.now() - 60_000;
    const faces = [faceReport(alice, { crop: cropJpeg(60) }), faceReport(bob, { crop: cropJpeg(200) })];
    handle({ type: 'track', phase: 'start', cameraId: 7, track: track(1, at, faces), snapshot: null });
    // The same person again, in a later event: a look-alike descriptor.
    const again = [faceReport(lookAlike(alice, 9))];
    handle({ type: 'track', phase: 'start', cameraId: 8, track: track(2, at + 1000, again), snapshot: null });
    await settle();
    [first] = (await eventsOfCamera(7)).map((e) => e.id) as [number];
    [second] = (await eventsOfCamera(8)).map((e) => e.id) as [number];

    const page = await candidates();
    expect(page.candidates.map((c) => [c.eventId, c.faceIndex])).toEqual([
      [second, 0],
      [first, 1],
      [first, 0],
    ]);
    expect(page.candidates.every((c) => c.hasCrop)).toBe(true);
    expect(page.candidates[0]).toMatchObject({ cameraId: 8 });
    const crop = await get(`/api/events/${first}/faces/1.jpg`);
    expect(crop.statusCode).toBe(200);
    expect(crop.headers['content-type']).toBe('image/jpeg');
    expect(crop.rawPayload.equals(Buffer.from(cropJpeg(200)))).toBe(true);
    expect(readdirSync(path.join(vaultRoot, 'faces', 'events', String(first)))).toHaveLength(2);
    expect((await get(`/api/events/${first}/faces/5.jpg`)).statusCode).toBe(404);

    const one = await candidates('?limit=1');
    expect(one.candidates).toHaveLength(1);
    const next = await candidates(`?limit=2&cursor=${String(one.nextCursor)}`);
    expect(next.candidates.map((c) => c.faceIndex)).toEqual([1, 0]);
    expect((await candidates(`?limit=2&cursor=${String(next.nextCursor)}`)).candidates).toEqual([]);
    expect((await get('/api/faces/candidates?cursor=12')).statusCode).toBe(400);
  });

  it('enrols a person from an event face, labelling that face and every look-alike', async () => {
    const enrolled = await call('POST', '/api/faces', { name: '  Alice  ', eventId: first, faceIndex: 0 });
    expect(enrolled.statusCode).toBe(201);
    const person = enrolled.json<Person>();
    aliceId = person.id;
    expect(person).toMatchObject({ name: 'Alice', sampleCount: 1, eventCount: 2 });
    expect(await eventFaces(first)).toMatchObject([{ faceId: aliceId, name: 'Alice' }, { faceId: null }]);
    expect(await eventFaces(second)).toMatchObject([{ faceId: aliceId, name: 'Alice' }]);
    expect((await candidates()).candidates.map((c) => [c.eventId, c.faceIndex])).toEqual([[first, 1]]);

    const sample = await get(`/api/faces/samples/${person.sampleIds[0]}.jpg`);
    expect(sample.statusCode).toBe(200);
    expect(sample.rawPayload.equals(Buffer.from(cropJpeg(60)))).toBe(true);
    expect(readdirSync(path.join(vaultRoot, 'faces', 'samples'))).toHaveLength(1);

    // What the worker would match against (pushed to it when detection runs).
    const known = t.app.vigil.services.faces.known();
    expect(known).toEqual([{ id: aliceId, name: 'Alice', descriptors: [expect.any(Array)] }]);
    expect(known[0]!.descriptors[0]![0]).toBeCloseTo(alice[0]!, 6);
  });

  it('keeps a person’s label when the open track reports the face again', async () => {
    const at = Date.now() - 60_000;
    const faces = [faceReport(alice, { crop: cropJpeg(60) }), faceReport(bob, { crop: cropJpeg(200) })];
    handle({
      type: 'track',
      phase: 'end',
      cameraId: 7,
      track: track(1, at, faces, at + 5000),
      snapshot: null,
    });
    await settle();
    expect(await eventFaces(first)).toMatchObject([{ faceId: aliceId, name: 'Alice' }, { faceId: null }]);
  });

  it('refuses a taken name in any case, an unknown face, and a name of blanks', async () => {
    const taken = await call('POST', '/api/faces', { name: 'ALICE', eventId: first, faceIndex: 1 });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'FACE_NAME_TAKEN' });
    const missing = await call('POST', '/api/faces', { name: 'Carol', eventId: first, faceIndex: 7 });
    expect(missing.statusCode).toBe(404);
    const blank = await call('POST', '/api/faces', { name: '   ', eventId: first, faceIndex: 1 });
    expect(blank.json()).toMatchObject({ code: 'INVALID_NAME' });
    expect(
      (await call('POST', '/api/faces', { name: 'X', eventId: first, faceIndex: 1 }, viewer)).statusCode,
    ).toBe(403);
    expect(await people()).toHaveLength(1);
  });

  it('adds “this is …” samples, renames, and merges one person into another', async () => {
    const bobAt = Date.now() - 30_000;
    handle({
      type: 'track',
      phase: 'start',
      cameraId: 9,
      track: track(3, bobAt, [faceReport(bob)]),
      snapshot: null,
    });
    await settle();
    const [third] = (await eventsOfCamera(9)).map((e) => e.id) as [number];
    const created = await call('POST', '/api/faces', { name: 'Bob', eventId: third, faceIndex: 0 });
    bobId = created.json<Person>().id;
    // Bob's sample labels his face in the first event too.
    expect(await eventFaces(first)).toMatchObject([{ name: 'Alice' }, { faceId: bobId, name: 'Bob' }]);

    const added = await call('POST', `/api/faces/${aliceId}/samples`, { eventId: second, faceIndex: 0 });
    expect(added.json()).toMatchObject({ sampleCount: 2 });
    // The same face twice is one sample.
    const twice = await call('POST', `/api/faces/${aliceId}/samples`, { eventId: second, faceIndex: 0 });
    expect(twice.json()).toMatchObject({ sampleCount: 2 });

    const renamed = await call('PATCH', `/api/faces/${aliceId}`, { name: 'Alicia' });
    expect(renamed.json()).toMatchObject({ name: 'Alicia' });
    expect(await eventFaces(second)).toMatchObject([{ name: 'Alicia' }]);
    expect((await call('PATCH', `/api/faces/${bobId}`, { name: 'alicia' })).statusCode).toBe(409);
    expect((await call('PATCH', `/api/faces/${bobId}`, { name: 'BOB' })).json()).toMatchObject({
      name: 'BOB',
    });

    expect((await call('POST', `/api/faces/${bobId}/merge`, { into: bobId })).json()).toMatchObject({
      code: 'SAME_FACE',
    });
    const merged = await call('POST', `/api/faces/${bobId}/merge`, { into: aliceId });
    expect(merged.json()).toMatchObject({ id: aliceId, name: 'Alicia', sampleCount: 3, eventCount: 3 });
    expect((await people()).map((p) => p.name)).toEqual(['Alicia']);
    expect(await eventFaces(third)).toMatchObject([{ faceId: aliceId, name: 'Alicia' }]);
    expect(t.app.vigil.services.faces.known()[0]!.descriptors).toHaveLength(3);
  });

  it('deletes a sample with its crop, and a person (their faces become candidates again)', async () => {
    const [person] = await people();
    const sampleId = person!.sampleIds.at(-1)!;
    const before = readdirSync(path.join(vaultRoot, 'faces', 'samples')).length;
    expect((await call('DELETE', `/api/faces/samples/${sampleId}`)).statusCode).toBe(204);
    expect(readdirSync(path.join(vaultRoot, 'faces', 'samples'))).toHaveLength(before - 1);
    expect((await get(`/api/faces/samples/${sampleId}.jpg`)).statusCode).toBe(404);

    expect((await call('DELETE', `/api/faces/${aliceId}`)).statusCode).toBe(204);
    expect(await people()).toEqual([]);
    expect(readdirSync(path.join(vaultRoot, 'faces', 'samples'))).toEqual([]);
    expect(await eventFaces(first)).toMatchObject([
      { faceId: null, name: null },
      { faceId: null, name: null },
    ]);
    expect((await candidates()).candidates).toHaveLength(4);
    expect(t.app.vigil.services.faces.known()).toEqual([]);
    expect((await call('DELETE', `/api/faces/${aliceId}`)).statusCode).toBe(404);
  });

  it('removes an event’s face crops with the event', async () => {
    expect((await call('DELETE', `/api/events/${first}`)).statusCode).toBe(204);
    expect(existsSync(path.join(vaultRoot, 'faces', 'events', String(first)))).toBe(false);
    expect((await candidates()).candidates.map((c) => c.eventId)).not.toContain(first);
  });

  it('needs the inference worker for photos, and a JPEG body', async () => {
    const photo = await t.inject({
      method: 'POST',
      url: '/api/faces/photo?name=Dora',
      headers: { cookie: editor, 'content-type': 'image/jpeg' },
      payload: Buffer.from(cropJpeg(128)),
    });
    expect(photo.statusCode).toBe(503);
    expect(photo.json()).toMatchObject({ code: 'DETECTION_UNAVAILABLE' });
    const json = await call('POST', '/api/faces/photo?name=Dora', { picture: 'no' });
    expect(json.statusCode).toBe(415);
    expect(await people()).toEqual([]);
  });

  it('answers 423 while the vault is locked, and stores no faces then', async () => {
    await call('POST', '/api/vault/lock', {}, admin);
    expect((await get('/api/faces')).json()).toMatchObject({ code: 'VAULT_LOCKED' });
    expect((await get('/api/faces/candidates')).statusCode).toBe(423);
    const enrol = await call('POST', '/api/faces', { name: 'Eve', eventId: second, faceIndex: 0 });
    expect(enrol.statusCode).toBe(423);
    handle({
      type: 'track',
      phase: 'start',
      cameraId: 10,
      track: track(4, Date.now(), [faceReport(5)]),
      snapshot: null,
    });
    await settle();
    await call('POST', '/api/vault/unlock', { passphrase: 'anything' }, admin);
    expect((await candidates()).candidates.map((c) => c.cameraId)).not.toContain(10);
  });
});

import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePicture } from '../inference/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Enrolment from photos through the API, with the real inference worker (dist/inference/worker.js and the
// models in .runtime/models, both made by setup) describing them, and the faces it is told about.
describe('faces from photos', () => {
  let t: TestApp;
  let editor: string;
  let admin: string;
  let photo: Buffer;
  let adaId: number;
  const upload = (url: string, body: Buffer | Uint8Array, type = 'image/jpeg') =>
    t.inject({
      method: 'POST',
      url,
      headers: { cookie: editor, 'content-type': type },
      payload: Buffer.from(body),
    });
  const detection = () => {
    const supervisor = t.app.vigil.services.detection;
    if (!supervisor) throw new Error('the test app runs no inference worker');
    return supervisor;
  };
  const samples = () => readdirSync(path.join(t.app.vigil.services.vault.mountPoint, 'faces', 'samples'));

  beforeAll(async () => {
    t = await startTestApp({}, { inference: true });
    editor = (await t.userWithSession('editor')).cookie;
    admin = (await t.userWithSession('admin')).cookie;
    photo = await readFile(await samplePicture('screenshot-faceid.jpg'));
    const deadline = Date.now() + 40_000;
    while (detection().state().status !== 'ready' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }, 60_000);
  afterAll(() => t.close());

  it('enrols a person from a photo and tells the worker', async () => {
    const created = await upload('/api/faces/photo?name=Ada', photo);
    expect(created.statusCode).toBe(201);
    const person = created.json<{ id: number; name: string; sampleIds: number[]; sampleCount: number }>();
    adaId = person.id;
    expect(person).toMatchObject({ name: 'Ada', sampleCount: 1 });
    const crop = await t.inject({
      method: 'GET',
      url: `/api/faces/samples/${person.sampleIds[0]}.jpg`,
      headers: { cookie: editor },
    });
    expect(crop.statusCode).toBe(200);
    expect(jpeg.decode(crop.rawPayload).width).toBeLessThanOrEqual(112);
    expect(detection().faces()).toEqual([{ id: adaId, name: 'Ada', descriptors: [expect.any(Array)] }]);
    expect(detection().faces()[0]!.descriptors[0]).toHaveLength(1024);
  });

  it('adds a photo as another sample of the same person', async () => {
    const added = await upload(`/api/faces/${adaId}/photo`, photo);
    expect(added.json()).toMatchObject({ id: adaId, sampleCount: 2 });
    expect(detection().faces()[0]!.descriptors).toHaveLength(2);
    expect(samples()).toHaveLength(2);
  });

  it('refuses photos without a face, unreadable ones and too large ones, leaving nothing behind', async () => {
    const pid = detection().state().pid;
    const blank = jpeg.encode({ data: Buffer.alloc(320 * 240 * 4, 200), width: 320, height: 240 }, 80).data;
    const none = await upload('/api/faces/photo?name=Nobody', blank);
    expect(none.statusCode).toBe(422);
    expect(none.json()).toMatchObject({ code: 'NO_FACE' });
    const garbage = await upload('/api/faces/photo?name=Nobody', Buffer.from('this is not a JPEG'));
    expect(garbage.json()).toMatchObject({ code: 'BAD_IMAGE' });
    const tooLarge = await upload('/api/faces/photo?name=Nobody', Buffer.alloc(8 * 1024 * 1024 + 1, 0xff));
    expect(tooLarge.statusCode).toBe(413);
    const taken = await upload('/api/faces/photo?name=ADA', photo);
    expect(taken.json()).toMatchObject({ code: 'FACE_NAME_TAKEN' });

    const people = await t.inject({ method: 'GET', url: '/api/faces', headers: { cookie: editor } });
    expect(people.json<{ name: string }[]>().map((p) => p.name)).toEqual(['Ada']);
    expect(samples()).toHaveLength(2);
    expect(detection().state()).toMatchObject({ status: 'ready', pid });
  });

  it('forgets the faces in the worker while the vault is locked, and tells it again on unlock', async () => {
    const vault = (action: string, payload: object) =>
      t.inject({ method: 'POST', url: `/api/vault/${action}`, headers: { cookie: admin }, payload });
    expect((await vault('lock', {})).json()).toMatchObject({ state: 'locked' });
    expect(detection().faces()).toEqual([]);
    expect((await vault('unlock', { passphrase: 'anything' })).json()).toMatchObject({ state: 'unlocked' });
    expect(
      detection()
        .faces()
        .map((f) => [f.name, f.descriptors.length]),
    ).toEqual([['Ada', 2]]);
  });
});

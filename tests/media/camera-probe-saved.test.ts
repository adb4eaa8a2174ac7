import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { assertWorkerBuilt } from './worker-harness.js';

const USER = 'camuser';
const PASSWORD = 'stored pa55word';

// POST /api/cameras/:id/probe: the real app with media on (real Janus, pinned to a test veth so it binds no
// external interface), a real probe worker and a real gst-rtsp-server that requires basic auth.
describe('probe of a saved camera with its stored credentials', () => {
  let netns: TestNetns | undefined;
  let rtsp: RtspServer | undefined;
  const server = (): RtspServer => {
    if (!rtsp) throw new Error('the RTSP server did not start');
    return rtsp;
  };
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    netns = await createNetns();
    rtsp = await startRtspServer({ user: USER, password: PASSWORD });
    t = await startTestApp({ VIGIL_WEBRTC_INTERFACE: netns.hostInterface }, { media: true });
    admin = (await t.userWithSession('admin')).cookie;
  });

  afterAll(async () => {
    await (t as TestApp | undefined)?.close();
    await rtsp?.stop();
    await netns?.destroy();
  });

  const call = (method: 'POST' | 'PATCH', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  it('succeeds without the client sending the credentials; a wrong stored password gives AUTH_FAILED', async () => {
    const url = server()
      .url('/h264')
      .replace('rtsp://', `rtsp://${USER}:${encodeURIComponent(PASSWORD)}@`);
    // Disabled, so the only process that opens the stream is the probe's.
    const created = await call('POST', '/api/cameras', { name: 'Gate', kind: 'rtsp', url, enabled: false });
    expect(created.statusCode).toBe(201);
    const { id, url: shown } = created.json<{ id: number; url: string }>();
    expect(shown).not.toContain(PASSWORD);

    const probe = await call('POST', `/api/cameras/${id}/probe`);
    expect(probe.statusCode, probe.body).toBe(200);
    expect(probe.json()).toMatchObject({
      codec: 'h264',
      width: expect.any(Number),
      height: expect.any(Number),
    });

    expect((await call('PATCH', `/api/cameras/${id}`, { password: 'not the password' })).statusCode).toBe(
      200,
    );
    const refused = await call('POST', `/api/cameras/${id}/probe`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'AUTH_FAILED', message: expect.any(String) });
    expect(refused.body).not.toContain('not the password');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusClient } from '../../server/live/janus/janus-client.js';
import { JanusError } from '../../server/live/janus/janus-errors.js';
import { janusPost } from '../../server/live/janus/janus-http.js';
import { JanusProcess } from '../../server/live/janus/janus-process.js';
import {
  createMountpoint,
  listMountpoints,
  mountpointInfo,
  STREAMING_PLUGIN_NAME,
} from '../../server/live/janus/janus-streaming.js';

// The API client against a real Janus: secrets, error mapping and a session Janus forgets.
describe('JanusClient', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-janus-client-'));
  const logger = pino({ level: 'silent' });
  let janus: JanusProcess;
  let client: JanusClient;

  beforeAll(async () => {
    janus = await JanusProcess.start({ configDir: path.join(dataDir, 'janus'), logger });
    client = new JanusClient({ endpoint: () => janus.endpoint, logger });
  });

  afterAll(async () => {
    await client.close();
    await janus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('maps a wrong API secret to JANUS_ERROR 502 without echoing any secret', async () => {
    const wrong = 'wrong-secret-0123456789';
    const error = await janusPost({ ...janus.endpoint, apiSecret: wrong }, '', { janus: 'create' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JanusError);
    expect(error).toMatchObject({ code: 'JANUS_ERROR', statusCode: 502, janusCode: 403 });
    expect((error as Error).message).not.toContain(wrong);
    expect((error as Error).message).not.toContain(janus.endpoint.apiSecret);
  });

  it('maps Streaming plugin errors to JANUS_ERROR with the plugin code', async () => {
    const handle = await client.attach(STREAMING_PLUGIN_NAME);
    await expect(mountpointInfo(handle, 4242)).rejects.toMatchObject({
      code: 'JANUS_ERROR',
      pluginCode: 455,
    });
    // Without the admin key Janus refuses to create (457: unauthorized).
    const refused = await createMountpoint(handle, 'not-the-admin-key', { id: 7 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'JANUS_ERROR', pluginCode: 457 });
    expect((refused as Error).message).not.toContain(janus.streamingAdminKey);
    const created = await createMountpoint(handle, janus.streamingAdminKey, { id: 7 });
    expect(created.id).toBe(7);
    // Same id twice: 456 (cannot create).
    await expect(createMountpoint(handle, janus.streamingAdminKey, { id: 7 })).rejects.toMatchObject({
      pluginCode: 456,
    });
    expect((await listMountpoints(handle)).map((m) => m.id)).toEqual([7]);
    await handle.detach();
    await handle.detach();
    expect(handle.closed).toBe(true);
  });

  it('recreates the session after Janus forgets it', async () => {
    const handle = await client.attach(STREAMING_PLUGIN_NAME);
    const first = client.sessionId!;
    const lost = new Promise<string>((resolve) => client.once('session-lost', resolve));
    const closed = new Promise<string>((resolve) => handle.once('closed', resolve));
    // Someone (a session timeout, an operator) destroys our session behind the client's back.
    await janusPost(janus.endpoint, `/${first}`, { janus: 'destroy' });
    await expect(listMountpoints(handle)).rejects.toBeInstanceOf(JanusError);
    expect(await lost).toBe('session-expired');
    expect(await closed).toBe('session-expired');
    const again = await client.attach(STREAMING_PLUGIN_NAME);
    expect(client.sessionId).not.toBe(first);
    expect((await listMountpoints(again)).map((m) => m.id)).toEqual([7]);
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4 } from '../support/mp4-boxes.js';
import { createNetns, type TestNetns } from '../support/netns.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { assertWorkerBuilt } from './worker-harness.js';

const RATE = 16_000;

/** Decodes both streams of an MP4: its audio as 16 kHz mono S16 into `pcm`; fails when either does not decode. */
async function decodeBoth(file: string, pcm: string): Promise<void> {
  await promisify(execFile)('gst-launch-1.0', [
    '-q',
    ...['filesrc', `location=${file}`, '!', 'qtdemux', 'name=d'],
    ...['d.video_0', '!', 'queue', '!', 'h264parse', '!', 'avdec_h264', '!', 'fakesink'],
    ...['d.audio_0', '!', 'queue', '!', 'avdec_aac', '!', 'audioconvert', '!', 'audioresample', '!'],
    ...[`audio/x-raw,format=S16LE,rate=${RATE},channels=1`, '!', 'filesink', `location=${pcm}`],
  ]);
}

// A camera with a microphone, recorded for real (RTSP H.264 + AAC → camera worker → segments → vault), then
// exported: the MP4 carries the sound too, as long as the pictures, neither re-encoded.
describe('recording export: the camera’s audio', () => {
  let netns: TestNetns;
  let rtsp: RtspServer;
  let t: TestApp;
  let admin: string;
  let scratch: string;

  beforeAll(async () => {
    assertWorkerBuilt();
    scratch = mkdtempSync(path.join(tmpdir(), 'vigil-export-audio-'));
    netns = await createNetns();
    rtsp = await startRtspServer();
    t = await startTestApp({ VIGIL_WEBRTC_INTERFACE: netns.hostInterface }, { media: true });
    admin = (await t.userWithSession('admin')).cookie;
  });
  afterAll(async () => {
    await (t as TestApp | undefined)?.close();
    await (rtsp as RtspServer | undefined)?.stop();
    await (netns as TestNetns | undefined)?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  it('keeps the AAC in the MP4, decodable and as long as the video', async () => {
    const created = await call('POST', '/api/cameras', {
      name: 'Doorbell',
      kind: 'rtsp',
      url: rtsp.url('/h264-aac'),
    });
    expect(created.statusCode, created.body).toBe(201);
    const camera = created.json<{ id: number }>().id;
    const settings = { mode: 'continuous', preRollSeconds: 4, postRollSeconds: 2, segmentSeconds: 2 };
    expect((await call('PUT', `/api/cameras/${camera}/recording`, settings)).statusCode).toBe(200);

    type Segment = { startedAt: number; endedAt: number };
    const kept = async (): Promise<Segment[]> => {
      const to = Date.now() + 60_000;
      const answer = await call('GET', `/api/recordings?camera=${camera}&from=${to - 3_600_000}&to=${to}`);
      return answer.json<{ segments: Segment[] }>().segments;
    };
    await expect
      .poll(async () => (await kept()).length, { timeout: 30_000, interval: 250 })
      .toBeGreaterThan(3);
    // The first segment holds whatever audio came before the first keyframe: export whole ones after it.
    const [, second, , fourth] = await kept();
    if (!second || !fourth) throw new Error('segments went missing');

    const started = await call('POST', '/api/recordings/export', {
      camera,
      from: second.startedAt,
      to: fourth.startedAt,
    });
    expect(started.statusCode, started.body).toBe(202);
    const { name } = started.json<{ name: string }>();
    const file = path.join(t.app.vigil.services.vault.mountPoint, 'files', 'Exports', name);
    await expect.poll(() => existsSync(file), { timeout: 30_000, interval: 200 }).toBe(true);

    const mp4 = readMp4(readFileSync(file));
    const expected = (fourth.startedAt - second.startedAt) / 1000;
    expect(Math.abs(mp4.durationSeconds - expected)).toBeLessThan(0.5);
    const pcm = path.join(scratch, 'audio.pcm');
    await decodeBoth(file, pcm);
    const audioSeconds = statSync(pcm).size / 2 / RATE;
    expect(Math.abs(audioSeconds - expected), `audio ${audioSeconds} s, video ${expected} s`).toBeLessThan(
      0.5,
    );
  });
});

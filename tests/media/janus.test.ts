import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusService, type Mountpoint } from '../../server/live/janus/janus.service.js';
import {
  captureLogger,
  isLoopbackAddress,
  processAlive,
  socketsOf,
  startH264Sender,
  waitFor,
  type H264Sender,
} from '../support/janus-media.js';
import { launchChromium } from '../support/browser.js';
import { playMountpoint } from '../support/janus-page.js';
import { createNetns, type TestNetns } from '../support/netns.js';

// Real Janus (Debian's 1.1.2) with a generated config, driven through JanusService; no mocks. Janus runs in this
// namespace; its ICE candidates are pinned to the host end of a test veth pair, so nothing binds the machine's
// external interface (and Janus ignores loopback for ICE).
describe('Janus under JanusService', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-janus-'));
  const configDir = path.join(dataDir, 'janus');
  const { logger, text: logText } = captureLogger();
  const senders: H264Sender[] = [];
  const seenSecrets = new Set<string>();
  let janus: JanusService;
  let netns: TestNetns;
  let camera1: Mountpoint;
  let camera2: Mountpoint;
  const startedAt = performance.now();

  beforeAll(async () => {
    netns = await createNetns();
    janus = await JanusService.start({
      configDir,
      logger,
      config: { iceInterface: netns.hostInterface },
      client: { keepaliveMs: 5000 },
    });
    console.log(
      `Janus start-to-ready: ${janus.health().readyMs} ms (service ${Math.round(performance.now() - startedAt)} ms)`,
    );
  });

  afterAll(async () => {
    await Promise.all(senders.map((sender) => sender.stop()));
    await janus.close();
    await netns.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const readSecrets = async () => {
    const { readFile } = await import('node:fs/promises');
    const janusCfg = await readFile(path.join(configDir, 'janus.jcfg'), 'utf8');
    const streaming = await readFile(path.join(configDir, 'janus.plugin.streaming.jcfg'), 'utf8');
    for (const match of (janusCfg + streaming).matchAll(/(?:api_secret|admin_secret|admin_key) = "([^"]+)"/g))
      seenSecrets.add(match[1]!);
  };

  it('starts with its config in a private folder and answers its API', async () => {
    expect(janus.health()).toMatchObject({ state: 'running', restarts: 0, lastError: null });
    expect(janus.pid).toBeGreaterThan(0);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    for (const file of ['janus.jcfg', 'janus.plugin.streaming.jcfg', 'janus.transport.http.jcfg'])
      expect(statSync(path.join(configDir, file)).mode & 0o777).toBe(0o600);
    await readSecrets();
    expect(seenSecrets.size).toBe(3);
    expect(await janus.listMountpoints()).toEqual([]);
  });

  it('creates RTP mountpoints whose ingest listens on 127.0.0.1 only', async () => {
    camera1 = await janus.ensureMountpoint(1);
    camera2 = await janus.ensureMountpoint(2);
    expect(await janus.ensureMountpoint(1)).toEqual(camera1);
    for (const m of [camera1, camera2]) {
      expect(m.rtpPort).toBeGreaterThanOrEqual(20000);
      expect(m.rtpPort).toBeLessThanOrEqual(40000);
    }
    expect((await janus.listMountpoints()).map((m) => m.id).sort()).toEqual([1, 2]);

    const sockets = await socketsOf(janus.pid!);
    // Each mountpoint: its RTP ingest and its RTCP port (viewers' keyframe requests leave through it).
    expect(camera1.rtcpPort).not.toBeNull();
    expect(
      sockets
        .filter((s) => s.proto === 'udp')
        .map((s) => s.port)
        .sort(),
    ).toEqual([camera1.rtpPort, camera1.rtcpPort, camera2.rtpPort, camera2.rtcpPort].sort());
    expect(sockets.filter((s) => s.proto === 'tcp' && s.state === 'LISTEN')).toHaveLength(1);
    expect(sockets.filter((s) => !isLoopbackAddress(s.address))).toEqual([]);
  });

  it('receives H.264 RTP and offers it to a viewer as H264', async () => {
    senders.push(startH264Sender(camera1.rtpPort));
    const info = await waitFor('media on camera 1', async () => {
      const now = await janus.mountpointInfo(1);
      const video = now.media[0];
      return video?.ageMs !== undefined && video.ageMs < 500 ? now : undefined;
    });
    expect(info.media[0]).toMatchObject({ mid: 'v', type: 'video', codec: 'h264', port: camera1.rtpPort });

    const viewer = await janus.createViewer(1);
    // Full trickle: Janus's candidates may arrive before `watch` resolves, so listen first.
    const candidates: string[] = [];
    viewer.on('candidate', (c) => c !== null && candidates.push(c.candidate));
    const began = performance.now();
    const offer = await viewer.watch();
    console.log(`watch → SDP offer: ${Math.round(performance.now() - began)} ms`);
    expect(offer.type).toBe('offer');
    expect(offer.sdp).toMatch(/a=rtpmap:96 H264\/90000/);
    expect(offer.sdp).toContain('profile-level-id=42e01f');
    expect((await janus.mountpointInfo(1)).viewers).toBe(1);
    expect(janus.health().viewers).toBe(1);
    // Janus gathers ICE only on the pinned interface: the API, RTP ingest and ICE sockets are all it holds.
    await waitFor('an ICE candidate', () => candidates.length > 0 || undefined);
    expect(candidates.every((c) => c.includes(` ${netns.hostIp} `))).toBe(true);
    const sockets = await socketsOf(janus.pid!);
    expect(sockets.filter((s) => !isLoopbackAddress(s.address) && s.address !== netns.hostIp)).toEqual([]);
    expect(sockets.some((s) => s.proto === 'udp' && s.address === netns.hostIp)).toBe(true);

    const closed = new Promise((resolve) => viewer.once('closed', resolve));
    await viewer.stop();
    await viewer.stop();
    await closed;
    expect(janus.health().viewers).toBe(0);
    // Janus frees the viewer slot a moment after acknowledging the detach.
    await waitFor('the viewer to leave', async () => (await janus.mountpointInfo(1)).viewers === 0);
  });

  it("turns a viewer's keyframe request into a keyframe event for its camera, and only its camera", async () => {
    // Janus asks the source for a keyframe the moment a viewer's media is up: the same path a PLI from a viewer
    // with a broken picture takes (the mountpoint's RTCP port → keyframe-feedback.ts).
    const requests: number[] = [];
    janus.on('keyframe', (cameraId) => requests.push(cameraId));
    const browser = await launchChromium();
    try {
      const played = await playMountpoint(await browser.newPage(), janus, 1);
      expect(played.metrics.frames).toBeGreaterThan(30);
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(new Set(requests)).toEqual(new Set([1]));
      await played.viewer.stop();
      await waitFor('the viewer to leave', async () => (await janus.mountpointInfo(1)).viewers === 0);
    } finally {
      await browser.close();
    }
  });

  it('destroys a mountpoint and closes its UDP port', async () => {
    await janus.removeMountpoint(2);
    await janus.removeMountpoint(2);
    expect((await janus.listMountpoints()).map((m) => m.id)).toEqual([1]);
    const udp = (await socketsOf(janus.pid!)).filter((s) => s.proto === 'udp').map((s) => s.port);
    expect(udp).not.toContain(camera2.rtpPort);
    expect(udp).toContain(camera1.rtpPort);
  });

  it('restarts after kill -9 and recreates the mountpoints', async () => {
    const oldPid = janus.pid!;
    const died = new Promise((resolve) => janus.once('died', resolve));
    const restarted = new Promise<number>((resolve) =>
      janus.once('restarted', () => resolve(performance.now())),
    );
    const changed: Mountpoint[][] = [];
    janus.on('mountpoints-changed', (list) => changed.push([...list]));
    const viewer = await janus.createViewer(1);
    const viewerClosed = new Promise<string>((resolve) => viewer.once('closed', resolve));

    const killedAt = performance.now();
    process.kill(oldPid, 'SIGKILL');
    await died;
    expect(await viewerClosed).toBe('janus-died');
    expect(janus.health().state).toBe('restarting');
    const back = await restarted;
    console.log(`kill -9 → restarted with mountpoints: ${Math.round(back - killedAt)} ms`);
    expect(back - killedAt).toBeLessThan(5000);

    expect(janus.pid).not.toBe(oldPid);
    expect(janus.health()).toMatchObject({ state: 'running', restarts: 1 });
    expect((await janus.listMountpoints()).map((m) => m.id)).toEqual([1]);
    // Same camera, same port: the sender never stopped, and the new mountpoint receives it.
    expect(janus.mountpointList()).toEqual([camera1]);
    expect(changed).toEqual([]);
    await waitFor('media after the restart', async () => {
      const age = (await janus.mountpointInfo(1)).media[0]?.ageMs;
      return age !== undefined && age < 500;
    });
    const offer = await (await janus.createViewer(1)).watch();
    expect(offer.sdp).toContain('H264');
    await readSecrets();
    // A restart means fresh secrets.
    expect(seenSecrets.size).toBe(6);
    janus.removeAllListeners('mountpoints-changed');
  });

  it('moves a mountpoint to a new port when its old one is taken after a restart', async () => {
    const changed = new Promise<readonly Mountpoint[]>((resolve) =>
      janus.once('mountpoints-changed', resolve),
    );
    const restarted = new Promise<void>((resolve) => janus.once('restarted', () => resolve()));
    const died = new Promise((resolve) => janus.once('died', resolve));
    process.kill(janus.pid!, 'SIGKILL');
    await died;
    // Something else grabs the camera's port while Janus is down.
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(camera1.rtpPort, '127.0.0.1', resolve));
    try {
      const [moved] = await changed;
      await restarted;
      expect(moved).toMatchObject({ cameraId: 1, mountpointId: 1 });
      expect(moved!.rtpPort).not.toBe(camera1.rtpPort);
      expect(janus.mountpointList()).toEqual([moved]);
      expect((await janus.mountpointInfo(1)).media[0]?.port).toBe(moved!.rtpPort);
      camera1 = moved!;
    } finally {
      squatter.close();
    }
    await readSecrets();
  });

  it('close() stops Janus, is safe to call twice, and never logged a secret', async () => {
    const pid = janus.pid!;
    await Promise.all([janus.close(), janus.close()]);
    expect(janus.health().state).toBe('stopped');
    expect(await processAlive(pid)).toBe(false);
    await expect(janus.ensureMountpoint(3)).rejects.toMatchObject({ code: 'JANUS_INVALID_STATE' });
    const log = logText();
    expect(log).toContain('Janus is ready');
    expect(log).toContain('Loading plugin');
    for (const secret of seenSecrets) expect(log).not.toContain(secret);
  });
});

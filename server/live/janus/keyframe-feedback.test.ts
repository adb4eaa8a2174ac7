import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isKeyframeRequest, KeyframeFeedback, receiverReport } from './keyframe-feedback.js';

/** RTCP payload-specific feedback (PT 206) of format `fmt` from `ssrc`: 12 bytes, as Janus sends a PLI. */
function feedback(fmt: number): Buffer {
  const packet = Buffer.alloc(12);
  packet[0] = (2 << 6) | fmt;
  packet[1] = 206;
  packet.writeUInt16BE(2, 2);
  packet.writeUInt32BE(1, 4);
  packet.writeUInt32BE(0xabcd, 8);
  return packet;
}

describe('isKeyframeRequest', () => {
  it('finds a PLI or a FIR, alone or after a receiver report, and nothing else', () => {
    expect(isKeyframeRequest(feedback(1))).toBe(true);
    expect(isKeyframeRequest(feedback(4))).toBe(true);
    expect(isKeyframeRequest(Buffer.concat([receiverReport(9), feedback(1)]))).toBe(true);
    // REMB (application layer feedback, fmt 15), a bare report, RTP-ish and short garbage are not.
    expect(isKeyframeRequest(feedback(15))).toBe(false);
    expect(isKeyframeRequest(receiverReport(9))).toBe(false);
    expect(isKeyframeRequest(Buffer.from([0x80, 96, 0, 1]))).toBe(false);
    expect(isKeyframeRequest(Buffer.from([0x00, 206, 0, 2, 1, 2, 3, 4]))).toBe(false);
    expect(isKeyframeRequest(Buffer.alloc(3))).toBe(false);
    expect(isKeyframeRequest(Buffer.from([0x80, 201, 0xff, 0xff]))).toBe(false);
  });

  it('writes an 8-byte RTCP receiver report', () => {
    expect([...receiverReport(0x01020304)]).toEqual([0x80, 201, 0, 1, 1, 2, 3, 4]);
  });
});

describe('KeyframeFeedback against a socket playing Janus', () => {
  const sockets: Socket[] = [];
  let feedbackPeers: KeyframeFeedback | undefined;
  afterEach(() => {
    feedbackPeers?.close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function fakeJanus(): Promise<{ socket: Socket; port: number; latched: Promise<AddressInfo> }> {
    const socket = createSocket('udp4');
    sockets.push(socket);
    const latched = new Promise<AddressInfo>((resolve) =>
      socket.once('message', (packet, from) => {
        expect(packet).toEqual(receiverReport(5));
        resolve(from);
      }),
    );
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return { socket, port: socket.address().port, latched };
  }

  it("latches onto the mountpoint's RTCP port and reports its keyframe requests for that camera", async () => {
    const requests: number[] = [];
    feedbackPeers = new KeyframeFeedback((id) => requests.push(id), pino({ level: 'silent' }));
    const janus = await fakeJanus();
    feedbackPeers.watch(5, janus.port);
    const peer = await janus.latched;

    // A stranger on another port is ignored; Janus's PLI counts, its REMB does not.
    const stranger = createSocket('udp4');
    sockets.push(stranger);
    stranger.send(feedback(1), peer.port, '127.0.0.1');
    janus.socket.send(feedback(15), peer.port, '127.0.0.1');
    janus.socket.send(feedback(1), peer.port, '127.0.0.1');
    await expect.poll(() => requests).toEqual([5]);

    // Forgotten: the socket is closed, nothing more arrives.
    feedbackPeers.forget(5);
    janus.socket.send(feedback(1), peer.port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requests).toEqual([5]);
  });

  it('latches again at once when the same port is watched again (a mountpoint recreated after a restart)', async () => {
    feedbackPeers = new KeyframeFeedback(() => undefined, pino({ level: 'silent' }));
    const janus = await fakeJanus();
    feedbackPeers.watch(5, janus.port);
    const first = await janus.latched;
    const again = new Promise<AddressInfo>((resolve) =>
      janus.socket.once('message', (_, from) => resolve(from)),
    );
    feedbackPeers.watch(5, janus.port);
    expect((await again).port).toBe(first.port);
  });
});

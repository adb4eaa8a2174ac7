import { createSocket, type Socket } from 'node:dgram';
import type { FastifyBaseLogger } from 'fastify';

// A viewer whose picture broke (a lost packet NACK could not bring back) sends Janus a PLI or FIR. Janus's
// Streaming plugin passes it on to the mountpoint's RTCP port's peer, once a second at most, but only once it has
// latched onto that peer: the first RTP or RTCP packet that arrives on the port. One loopback socket per camera
// plays that peer: it sends Janus a receiver report now and then (the latch, again after a Janus restart) and
// turns every keyframe request that comes back into one for the camera worker's encoder. Without it a viewer on
// a lossy link stays frozen until the next scheduled keyframe, up to a GOP later.

/** How often the latch is renewed, in milliseconds. */
export const LATCH_INTERVAL_MS = 5_000;

const RTCP_VERSION = 2;
/** RTCP packet types (RFC 3550, 4585, 2032). */
const PT_RECEIVER_REPORT = 201;
const PT_PAYLOAD_FEEDBACK = 206;
const PT_LEGACY_FIR = 192;
/** Payload-specific feedback formats: Picture Loss Indication (RFC 4585) and Full Intra Request (RFC 5104). */
const FMT_PLI = 1;
const FMT_FIR = 4;

/** Whether a (compound) RTCP packet holds a PLI or a FIR. Malformed input is simply not one. */
export function isKeyframeRequest(packet: Buffer): boolean {
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const first = packet[offset] ?? 0;
    if (first >> 6 !== RTCP_VERSION) return false;
    const type = packet[offset + 1] ?? 0;
    const format = first & 0x1f;
    if (type === PT_LEGACY_FIR) return true;
    if (type === PT_PAYLOAD_FEEDBACK && (format === FMT_PLI || format === FMT_FIR)) return true;
    offset += (packet.readUInt16BE(offset + 2) + 1) * 4;
  }
  return false;
}

/** An empty receiver report from `ssrc`: the smallest valid RTCP packet, for Janus to latch onto. */
export function receiverReport(ssrc: number): Buffer {
  const packet = Buffer.alloc(8);
  packet[0] = RTCP_VERSION << 6;
  packet[1] = PT_RECEIVER_REPORT;
  packet.writeUInt16BE(1, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  return packet;
}

interface Peer {
  socket: Socket;
  rtcpPort: number;
  timer: NodeJS.Timeout;
  latch: () => void;
}

/** The RTCP peers of every mountpoint; `onRequest` is called with the camera a viewer wants a keyframe of. */
export class KeyframeFeedback {
  private readonly peers = new Map<number, Peer>();
  private readonly onRequest: (cameraId: number) => void;
  private readonly log: FastifyBaseLogger;

  constructor(onRequest: (cameraId: number) => void, log: FastifyBaseLogger) {
    this.onRequest = onRequest;
    this.log = log.child({ component: 'keyframe-feedback' });
  }

  /**
   * Becomes the RTCP peer of the camera's mountpoint at `rtcpPort` on 127.0.0.1; for the same port again (a
   * mountpoint recreated after a Janus restart) it latches at once instead of at the next renewal.
   */
  watch(cameraId: number, rtcpPort: number): void {
    const known = this.peers.get(cameraId);
    if (known?.rtcpPort === rtcpPort) {
      known.latch();
      return;
    }
    this.forget(cameraId);
    const socket = createSocket('udp4');
    const report = receiverReport(cameraId);
    const latch = () => socket.send(report, rtcpPort, '127.0.0.1', () => undefined);
    socket.on('message', (packet, from) => {
      if (from.address !== '127.0.0.1' || from.port !== rtcpPort) return;
      if (isKeyframeRequest(packet)) this.onRequest(cameraId);
    });
    socket.on('error', (error) => this.log.warn({ err: error, cameraId }, 'RTCP feedback socket failed'));
    socket.bind(0, '127.0.0.1', latch);
    const timer = setInterval(latch, LATCH_INTERVAL_MS);
    timer.unref();
    this.peers.set(cameraId, { socket, rtcpPort, timer, latch });
  }

  forget(cameraId: number): void {
    const peer = this.peers.get(cameraId);
    if (peer === undefined) return;
    this.peers.delete(cameraId);
    clearInterval(peer.timer);
    peer.socket.close();
  }

  close(): void {
    for (const cameraId of [...this.peers.keys()]) this.forget(cameraId);
  }
}

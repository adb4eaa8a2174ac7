/**
 * The inference worker's frame socket: camera workers connect and stream frames (wire.ts). Only the newest
 * frame of each camera is kept; the analysis loop takes them round-robin, one at a time, so a busy worker
 * drops old frames instead of queueing them. A connection that sends garbage is closed.
 */
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { FrameReader, type FrameHeader } from './wire.js';

export interface Frame {
  header: FrameHeader;
  pixels: Buffer;
}

export class FrameServer {
  private readonly server: Server;
  private readonly latest = new Map<number, Frame>();
  private readonly sockets = new Map<number, Socket>();
  private readonly received = new Map<number, number>();
  private order: number[] = [];
  private waiter: (() => void) | null = null;

  constructor(private readonly path: string) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<void> {
    await rm(this.path, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => resolve());
    });
    await chmod(this.path, 0o600);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.values()) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }

  /** Frames received per camera since the last call. */
  takeReceived(): Map<number, number> {
    const counts = new Map(this.received);
    this.received.clear();
    return counts;
  }

  /** Tells a camera's worker whether something is going on (it then sends at its analysis rate). */
  setActive(cameraId: number, active: boolean): void {
    this.sockets.get(cameraId)?.write(`${JSON.stringify({ active })}\n`);
  }

  /** The next camera's newest frame (round-robin over cameras with one waiting); waits for one. */
  async next(): Promise<Frame> {
    for (;;) {
      const cameraId = this.order.find((id) => this.latest.has(id));
      if (cameraId !== undefined) {
        const frame = this.latest.get(cameraId)!;
        this.latest.delete(cameraId);
        // Rotate: this camera goes to the back of the line.
        this.order = [...this.order.filter((id) => id !== cameraId), cameraId];
        return frame;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private accept(socket: Socket): void {
    const reader = new FrameReader();
    let cameraId: number | null = null;
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        if (cameraId === null) {
          cameraId = frame.header.cameraId;
          this.sockets.get(cameraId)?.destroy();
          this.sockets.set(cameraId, socket);
          if (!this.order.includes(cameraId)) this.order.push(cameraId);
        }
        if (frame.header.cameraId !== cameraId) {
          socket.destroy();
          return;
        }
        this.latest.set(cameraId, frame);
        this.received.set(cameraId, (this.received.get(cameraId) ?? 0) + 1);
        const waiter = this.waiter;
        this.waiter = null;
        waiter?.();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (cameraId !== null && this.sockets.get(cameraId) === socket) this.sockets.delete(cameraId);
    });
  }
}

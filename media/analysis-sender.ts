/**
 * The camera worker's end of the frame socket (inference/frames/wire.ts). Latest frame wins: a frame arriving
 * while the previous one is still being written is dropped and counted, so a slow inference worker costs
 * frames, never memory. The rate follows what the inference worker asks for (analysis fps while something
 * moves, the idle rate otherwise); until it answers, the idle rate. Reconnects every second while it is away.
 */
import { connect, type Socket } from 'node:net';
import { encodeHeader } from '../inference/frames/wire.js';

export interface AnalysisCounts {
  sent: number;
  dropped: number;
}

export class AnalysisSender {
  private socket: Socket | null = null;
  private connected = false;
  private closed = false;
  private sequence = 0;
  private lastSentAt = 0;
  private fps: number;
  private counts: AnalysisCounts = { sent: 0, dropped: 0 };
  private reconnectTimer: NodeJS.Timeout | undefined;
  private control = '';

  constructor(
    private readonly socketPath: string,
    private readonly cameraId: number,
    private readonly rates: { fps: number; idleFps: number },
  ) {
    this.fps = rates.idleFps;
    this.open();
  }

  /** Counts since the last call. */
  take(): AnalysisCounts {
    const counts = this.counts;
    this.counts = { sent: 0, dropped: 0 };
    return counts;
  }

  /** Offers one decoded RGB frame (packed rows). */
  offer(pixels: Buffer, width: number, height: number, capturedAt: number): void {
    if (!this.connected || !this.socket) return;
    // A little slack under the interval, as frames come at the camera's own rate, not exactly ours.
    if (capturedAt - this.lastSentAt < 900 / this.fps) return;
    if (this.socket.writableLength > 0) {
      this.counts.dropped++;
      return;
    }
    this.lastSentAt = capturedAt;
    const header = encodeHeader({
      cameraId: this.cameraId,
      width,
      height,
      sequence: this.sequence++,
      capturedAt,
      payloadBytes: pixels.length,
    });
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(pixels);
    this.socket.uncork();
    this.counts.sent++;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
  }

  private open(): void {
    if (this.closed) return;
    const socket = connect(this.socketPath);
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.onControl(chunk.toString('utf8')));
    socket.on('error', () => {
      // 'close' follows and retries; nothing to report per attempt (the inference worker may be restarting).
    });
    socket.on('close', () => {
      this.connected = false;
      this.fps = this.rates.idleFps;
      if (!this.closed) this.reconnectTimer = setTimeout(() => this.open(), 1_000);
    });
  }

  private onControl(text: string): void {
    this.control += text;
    let newline: number;
    while ((newline = this.control.indexOf('\n')) >= 0) {
      const line = this.control.slice(0, newline);
      this.control = this.control.slice(newline + 1);
      try {
        const message = JSON.parse(line) as { active?: unknown };
        if (typeof message.active === 'boolean')
          this.fps = message.active ? this.rates.fps : this.rates.idleFps;
      } catch {
        // A line we cannot read changes nothing.
      }
    }
  }
}

import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { validationFailed } from '../../errors.js';
import { JanusClient } from './janus-client.js';
import { JanusError, JanusStateError, STREAMING_CODE } from './janus-errors.js';
import type { JanusHandle } from './janus-handle.js';
import {
  JanusProcess,
  type JanusDeath,
  type JanusHealth,
  type JanusProcessOptions,
} from './janus-process.js';
import {
  createMountpoint,
  destroyMountpoint,
  mountpointInfo,
  listMountpoints,
  STREAMING_PLUGIN_NAME,
  type MountpointInfo,
} from './janus-streaming.js';
import { JanusViewer } from './janus-viewer.js';
import { KeyframeFeedback } from './keyframe-feedback.js';

/** A camera's mountpoint: its id (the camera id) and the 127.0.0.1 UDP port its worker sends RTP to. */
export interface Mountpoint {
  readonly cameraId: number;
  readonly mountpointId: number;
  readonly rtpPort: number;
  /** The mountpoint's RTCP port (viewers' keyframe requests come out of it), if Janus reported one. */
  readonly rtcpPort: number | null;
}

export interface JanusServiceHealth extends JanusHealth {
  readonly mountpoints: number;
  readonly viewers: number;
}

export interface JanusServiceEvents {
  /** Janus died; every viewer has closed. A restart follows. */
  died: [JanusDeath];
  /** Janus is back and every mountpoint exists again: tell open viewers to reconnect. */
  restarted: [];
  /** After a restart these mountpoints got a new RTP port: restart their camera workers towards it. */
  'mountpoints-changed': [readonly Mountpoint[]];
  /** A viewer of this camera lost its picture (a PLI or FIR reached the mountpoint): make a keyframe. */
  keyframe: [cameraId: number];
}

export type JanusServiceOptions = JanusProcessOptions & {
  /** Client timing (keepalive, request and event timeouts, ms); defaults suit production. */
  readonly client?: { keepaliveMs?: number; requestTimeoutMs?: number; eventTimeoutMs?: number };
};

/**
 * Vigil's one door to Janus: owns the process and the API client, keeps one Streaming mountpoint per camera
 * (recreated after a Janus restart, on the same port when it is free) and hands out viewers. Mountpoint changes
 * run one at a time.
 */
export class JanusService extends EventEmitter<JanusServiceEvents> {
  private readonly janus: JanusProcess;
  private readonly client: JanusClient;
  private readonly log: FastifyBaseLogger;
  private readonly mountpoints = new Map<number, Mountpoint>();
  private readonly viewers = new Set<JanusViewer>();
  private readonly feedback: KeyframeFeedback;
  private admin: JanusHandle | null = null;
  /**
   * A Streaming handle attached ahead of need, so a new viewer's offer costs one request to Janus (`watch`),
   * not two. Taken by the next viewer and replaced in the background; dropped with the session on a restart.
   */
  private spare: Promise<JanusHandle | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;

  private constructor(janus: JanusProcess, options: JanusServiceOptions) {
    super();
    this.janus = janus;
    this.log = options.logger.child({ component: 'janus-service' });
    this.feedback = new KeyframeFeedback((cameraId) => this.emit('keyframe', cameraId), options.logger);
    this.client = new JanusClient({
      endpoint: () => janus.endpoint,
      logger: options.logger,
      ...options.client,
    });
    janus.on('died', (death) => {
      this.client.reset('janus-died');
      this.emit('died', death);
    });
    janus.on('restarted', () => {
      this.client.reset('janus-restarted');
      this.serially(() => this.restore()).catch((error: unknown) =>
        // Janus died again while restoring: the next `restarted` restores from the same map.
        this.log.error({ err: error }, 'Recreating mountpoints after a Janus restart failed'),
      );
    });
  }

  /** Starts Janus and resolves once its API answers. */
  static async start(options: JanusServiceOptions): Promise<JanusService> {
    return new JanusService(await JanusProcess.start(options), options);
  }

  /** Creates the camera's mountpoint unless it exists; returns where the camera worker sends RTP. */
  ensureMountpoint(cameraId: number): Promise<Mountpoint> {
    if (!Number.isSafeInteger(cameraId) || cameraId < 1)
      return Promise.reject(validationFailed('cameraId must be a positive integer'));
    return this.serially(async () => {
      const known = this.mountpoints.get(cameraId);
      if (known !== undefined) return known;
      const created = await this.create(cameraId, 0);
      this.mountpoints.set(cameraId, created);
      // A camera exists now, so a viewer will come: have its handle ready.
      this.prepareViewer();
      return created;
    });
  }

  /** Destroys the camera's mountpoint (its viewers are hung up); a camera without one is fine. */
  removeMountpoint(cameraId: number): Promise<void> {
    return this.serially(async () => {
      if (!this.mountpoints.delete(cameraId)) return;
      this.feedback.forget(cameraId);
      try {
        await destroyMountpoint(await this.adminHandle(), cameraId);
      } catch (error) {
        if (!(error instanceof JanusError && error.pluginCode === STREAMING_CODE.noSuchMountpoint))
          throw error;
      }
    });
  }

  /** What Janus reports about the camera's mountpoint (ingest port, age of the last packet, viewers). */
  async mountpointInfo(cameraId: number): Promise<MountpointInfo> {
    this.assertOpen();
    return mountpointInfo(await this.adminHandle(), this.mountpointOf(cameraId).mountpointId);
  }

  /** Every mountpoint Janus knows (should be exactly Vigil's cameras). */
  async listMountpoints(): Promise<MountpointInfo[]> {
    this.assertOpen();
    return listMountpoints(await this.adminHandle());
  }

  /** The mountpoints Vigil keeps, by camera. */
  mountpointList(): Mountpoint[] {
    return [...this.mountpoints.values()];
  }

  /** A new viewer handle on the camera's mountpoint; call `watch()` on it for the SDP offer. */
  async createViewer(cameraId: number): Promise<JanusViewer> {
    this.assertOpen();
    const { mountpointId } = this.mountpointOf(cameraId);
    const handle = await this.takeHandle();
    const viewer = new JanusViewer(handle, mountpointId, this.log);
    this.viewers.add(viewer);
    viewer.once('closed', () => this.viewers.delete(viewer));
    return viewer;
  }

  /** Keeps one attached handle ready for the next viewer (see `spare`). */
  prepareViewer(): void {
    if (this.closing !== null || this.spare !== null) return;
    this.spare = this.client.attach(STREAMING_PLUGIN_NAME).catch((error: unknown) => {
      // Janus is restarting or gone: the next viewer attaches its own handle and reports what went wrong.
      this.log.debug({ err: error }, 'Attaching a spare viewer handle failed');
      return null;
    });
  }

  private async takeHandle(): Promise<JanusHandle> {
    // Taken synchronously, so two viewers starting at once never share one handle.
    const pending = this.spare;
    this.spare = null;
    const spare = pending === null ? null : await pending;
    const handle = spare !== null && !spare.closed ? spare : await this.client.attach(STREAMING_PLUGIN_NAME);
    this.prepareViewer();
    return handle;
  }

  health(): JanusServiceHealth {
    return { ...this.janus.health(), mountpoints: this.mountpoints.size, viewers: this.viewers.size };
  }

  /** Stops every viewer, closes the session and stops Janus. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const spare = this.spare === null ? null : await this.spare;
      this.spare = null;
      await Promise.allSettled([
        ...[...this.viewers].map((viewer) => viewer.stop()),
        ...(spare === null ? [] : [spare.detach()]),
      ]);
      this.feedback.close();
      await this.client.close();
      await this.janus.close();
    })();
    return this.closing;
  }

  /** The pid of the running Janus (tests kill it to exercise the restart). */
  get pid(): number | null {
    return this.janus.health().pid;
  }

  private assertOpen(): void {
    if (this.closing !== null) throw new JanusStateError('The Janus service is closed.');
  }

  private mountpointOf(cameraId: number): Mountpoint {
    const mountpoint = this.mountpoints.get(cameraId);
    if (mountpoint === undefined) throw new JanusStateError(`Camera ${cameraId} has no mountpoint.`);
    return mountpoint;
  }

  private serially<T>(job: () => Promise<T>): Promise<T> {
    if (this.closing !== null) return Promise.reject(new JanusStateError('The Janus service is closed.'));
    const run = this.queue.then(job);
    // The queue goes on after a failed job; the caller gets the failure.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async adminHandle(): Promise<JanusHandle> {
    if (this.admin === null || this.admin.closed)
      this.admin = await this.client.attach(STREAMING_PLUGIN_NAME);
    return this.admin;
  }

  private async create(cameraId: number, port: number): Promise<Mountpoint> {
    const created = await createMountpoint(await this.adminHandle(), this.janus.streamingAdminKey, {
      id: cameraId,
      port,
    });
    this.log.info(
      { cameraId, rtpPort: created.rtpPort, rtcpPort: created.rtcpPort },
      'Janus mountpoint created',
    );
    if (created.rtcpPort !== null) this.feedback.watch(cameraId, created.rtcpPort);
    return { cameraId, mountpointId: created.id, rtpPort: created.rtpPort, rtcpPort: created.rtcpPort };
  }

  /** After a restart: every mountpoint again, on its old port when Janus can still bind it. */
  private async restore(): Promise<void> {
    const began = performance.now();
    const changed: Mountpoint[] = [];
    for (const old of [...this.mountpoints.values()]) {
      let now: Mountpoint;
      try {
        now = await this.create(old.cameraId, old.rtpPort);
      } catch (error) {
        if (!(error instanceof JanusError && error.pluginCode === STREAMING_CODE.cantCreate)) throw error;
        this.log.warn(
          { cameraId: old.cameraId, rtpPort: old.rtpPort },
          'Old RTP port taken; letting Janus pick',
        );
        now = await this.create(old.cameraId, 0);
      }
      // removeMountpoint may not run meanwhile (same queue), so the camera is still ours.
      this.mountpoints.set(old.cameraId, now);
      if (now.rtpPort !== old.rtpPort) changed.push(now);
    }
    this.log.info(
      { mountpoints: this.mountpoints.size, ms: Math.round(performance.now() - began) },
      'Janus mountpoints recreated',
    );
    if (changed.length > 0) this.emit('mountpoints-changed', changed);
    if (this.mountpoints.size > 0) this.prepareViewer();
    this.emit('restarted');
  }
}

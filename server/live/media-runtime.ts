import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { appRoot, type Config } from '../config.js';
import type { LiveIngest } from '../cameras/camera-fleet.js';
import { JanusService, type JanusServiceOptions } from './janus/janus.service.js';
import { webrtcInterfaceAddress } from './janus/webrtc-interface.js';

/** Test hooks: run Janus inside a network namespace, bind its API elsewhere, speed up timers. */
export interface MediaOptions {
  janus?: Partial<Omit<JanusServiceOptions, 'logger' | 'configDir'>>;
  /** Default <app>/dist/media/worker.js. */
  workerPath?: string;
}

/** Starts Janus with settings from the config and adapts it to the camera fleet's ingest interface. */
export async function startMediaRuntime(config: Config, log: FastifyBaseLogger, options: MediaOptions = {}) {
  const { webrtc } = config;
  const overrides = options.janus ?? {};
  const janus = await JanusService.start({
    ...overrides,
    configDir: path.join(config.dataDir, 'janus'),
    logger: log,
    config: {
      rtpPortRange: webrtc.portRange,
      ...(webrtc.interface === null
        ? {}
        : { iceInterface: webrtc.interface, sdpIp: webrtcInterfaceAddress(webrtc.interface) }),
      ...(webrtc.ip === null ? {} : { publicIp: webrtc.ip }),
      ...(webrtc.stun === null ? {} : { stun: { server: webrtc.stun.host, port: webrtc.stun.port } }),
      ...(webrtc.turn === null
        ? {}
        : {
            turn: {
              server: webrtc.turn.host,
              port: webrtc.turn.port,
              type: webrtc.turn.transport,
              user: webrtc.turn.user,
              password: webrtc.turn.password,
            },
          }),
      ...overrides.config,
    },
  });
  const ingest: LiveIngest = {
    ensureMountpoint: async (cameraId) => ({ rtpPort: (await janus.ensureMountpoint(cameraId)).rtpPort }),
    removeMountpoint: (cameraId) => janus.removeMountpoint(cameraId),
  };
  return {
    janus,
    ingest,
    workerPath: options.workerPath ?? path.join(appRoot(), 'dist', 'media', 'worker.js'),
    inferencePath: path.join(appRoot(), 'dist', 'inference', 'worker.js'),
  };
}

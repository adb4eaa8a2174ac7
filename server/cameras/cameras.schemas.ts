import { Type } from 'typebox';
import { Nullable, NullableInteger } from '../http/schemas.js';

const Kind = Type.Union(
  [Type.Literal('rtsp'), Type.Literal('v4l2'), Type.Literal('file'), Type.Literal('test')],
  {
    description:
      'rtsp: network camera; v4l2: USB camera; file: a video in the media folder (loops); test: synthetic',
  },
);
const Transport = Type.Union([Type.Literal('tcp'), Type.Literal('udp')]);

/** Source fields shared by create, update and probe. Credentials are write-only. */
const sourceFields = {
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'rtsp:// or rtsps:// (rtsp only)' })),
  username: Type.Optional(
    Nullable(Type.String({ maxLength: 256, description: 'Write-only; null clears it' })),
  ),
  password: Type.Optional(
    Nullable(Type.String({ maxLength: 256, description: 'Write-only; null clears it' })),
  ),
  device: Type.Optional(Type.String({ maxLength: 64, description: '/dev/videoN (v4l2 only)' })),
  path: Type.Optional(Type.String({ maxLength: 1024, description: 'Inside the media folder (file only)' })),
  width: Type.Optional(
    NullableInteger({ minimum: 16, maximum: 7680, description: 'Pixels; null clears it' }),
  ),
  height: Type.Optional(
    NullableInteger({ minimum: 16, maximum: 4320, description: 'Pixels; null clears it' }),
  ),
  fps: Type.Optional(NullableInteger({ minimum: 1, maximum: 120, description: 'Frames/s; null clears it' })),
  transport: Type.Optional(Transport),
  latencyMs: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 5000, description: 'RTSP jitter buffer, ms' }),
  ),
};

export const CameraCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Kind,
    enabled: Type.Optional(Type.Boolean()),
    detect: Type.Optional(
      Type.Boolean({ description: 'Detection (motion, objects, faces → events); default off' }),
    ),
    ...sourceFields,
  },
  { additionalProperties: false },
);

export const CameraPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    enabled: Type.Optional(Type.Boolean()),
    detect: Type.Optional(Type.Boolean()),
    ...sourceFields,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CameraProbeBody = Type.Object({ kind: Kind, ...sourceFields }, { additionalProperties: false });

export const ProbeResultSchema = Type.Object({
  codec: Type.String(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  fps: Nullable(Type.Number()),
});

export const CameraSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Kind,
  url: Nullable(Type.String()),
  device: Nullable(Type.String()),
  path: Nullable(Type.String()),
  hasCredentials: Type.Boolean(),
  enabled: Type.Boolean(),
  detect: Type.Boolean(),
  analysis: Nullable(
    Type.Object(
      { sent: Type.Integer(), dropped: Type.Integer() },
      { description: 'Frames sent to and dropped for detection, last second' },
    ),
  ),
  recording: Type.Object(
    {
      mode: Type.Union([
        Type.Literal('off'),
        Type.Literal('events'),
        Type.Literal('motion'),
        Type.Literal('continuous'),
      ]),
      state: Type.Union(
        [Type.Literal('off'), Type.Literal('standby'), Type.Literal('recording'), Type.Literal('paused')],
        {
          description:
            'standby: waiting for an event or motion; recording: keeping footage now; paused: nothing is kept ' +
            '(reason) while the last seconds go on in RAM',
        },
      ),
      reason: Nullable(Type.Union([Type.Literal('vault-locked'), Type.Literal('vault-full')])),
      lastKeptAt: Nullable(Type.Integer({ description: 'When footage was last kept (epoch ms)' })),
    },
    { description: 'What the recorder does with this camera now' },
  ),
  options: Type.Object({
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    fps: Nullable(Type.Integer()),
    transport: Transport,
    latencyMs: Type.Integer(),
  }),
  status: Type.Union(
    [
      Type.Literal('starting'),
      Type.Literal('live'),
      Type.Literal('offline'),
      Type.Literal('error'),
      Type.Literal('disabled'),
    ],
    { description: 'disabled: switched off by an admin' },
  ),
  problem: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  fps: Type.Number(),
  bitrateKbps: Type.Number(),
  resolution: Nullable(Type.Object({ width: Type.Integer(), height: Type.Integer() })),
  codec: Nullable(Type.String({ description: 'What the camera sends (h264, h265, jpeg, raw)' })),
  transcoded: Type.Boolean({ description: 'True when the live stream is re-encoded to H.264' }),
  lastFrameAt: Nullable(Type.String({ format: 'date-time' })),
  restarts: Type.Integer(),
  keyframeIntervalS: Nullable(
    Type.Number({
      description:
        'Seconds between keyframes lately (null before the first). A new viewer sees a current picture from the next one.',
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CameraIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

import { Type } from 'typebox';

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  setupRequired: Type.Boolean({
    description: 'True until the first admin exists: the front end shows setup.',
  }),
  uptimeSeconds: Type.Number(),
  time: Type.String({ format: 'date-time' }),
  janus: Type.Union([
    Type.Object({
      state: Type.String({ description: 'starting | running | restarting | stopped' }),
      restarts: Type.Integer(),
    }),
    Type.Null(),
  ]),
  cameras: Type.Array(
    Type.Object({ cameraId: Type.Integer(), status: Type.String(), running: Type.Boolean() }),
    { description: 'One entry per camera worker' },
  ),
});

import { Type } from 'typebox';

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  setupRequired: Type.Boolean({
    description: 'True until the first admin exists: the front end shows setup.',
  }),
  uptimeSeconds: Type.Number(),
  time: Type.String({ format: 'date-time' }),
});

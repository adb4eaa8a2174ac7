import { Type } from 'typebox';
import type { RoutePlugin } from '../http/types.js';

const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  setupRequired: Type.Boolean({
    description: 'True until the first admin exists: the front end shows setup.',
  }),
  uptimeSeconds: Type.Number(),
  time: Type.String({ format: 'date-time' }),
});

export const healthRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { tags: ['system'], summary: 'Liveness and first-run state', response: { 200: Health } },
    },
    async () => ({
      status: 'ok' as const,
      version: services.version,
      setupRequired: await services.setup.isRequired(),
      uptimeSeconds: Math.round(process.uptime()),
      time: services.now().toISOString(),
    }),
  );
};

import { HealthSchema } from './health.schemas.js';
import type { RoutePlugin } from '../http/types.js';

export const healthRoutes: RoutePlugin = async (app, { services }) => {
  const janusHealth = () => {
    const health = app.vigil.janus?.health();
    return health ? { state: health.state, restarts: health.restarts } : null;
  };
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { tags: ['system'], summary: 'Liveness and first-run state', response: { 200: HealthSchema } },
    },
    async () => ({
      status: 'ok' as const,
      version: services.version,
      setupRequired: await services.setup.isRequired(),
      uptimeSeconds: Math.round(process.uptime()),
      time: services.now().toISOString(),
      janus: janusHealth(),
      cameras: (services.fleet?.workers() ?? []).map((w) => ({
        cameraId: w.cameraId,
        status: w.status,
        running: w.pid !== null,
      })),
    }),
  );
};

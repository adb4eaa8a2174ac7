import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { AuditPageSchema, AuditQuerySchema } from './audit.schemas.js';

export const auditRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/api/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['system'],
        summary: 'The audit log, newest first',
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const rows = await services.audit.list(request.query.limit, request.query.before);
      return {
        entries: rows.map((r) => ({
          id: r.id,
          at: r.at,
          action: r.action,
          username: r.username,
          ip: r.ip,
          detail: r.detail,
        })),
      };
    },
  );
};

import { Type } from 'typebox';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  action: Type.String({ examples: ['auth.login_failed'] }),
  username: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
});

export const auditRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/api/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['system'],
        summary: 'The audit log, newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          before: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Entries with a smaller id (paging)' }),
          ),
        }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }), ...errorResponses() },
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

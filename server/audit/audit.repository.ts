import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../db/schema.js';

export type AuditRow = Selectable<AuditLogTable>;

/** What happened, to whom, from where. `detail` is short free text and never holds a secret. */
export interface AuditEntry {
  action: string;
  userId?: number | null;
  username?: string | null;
  ip?: string | null;
  detail?: string | null;
}

export function createAuditRepository(db: Kysely<Database>, now: () => Date) {
  return {
    record: async (entry: AuditEntry): Promise<void> => {
      await db
        .insertInto('audit_log')
        .values({
          at: now().toISOString(),
          action: entry.action,
          user_id: entry.userId ?? null,
          username: entry.username ?? null,
          ip: entry.ip ?? null,
          detail: entry.detail ?? null,
        })
        .execute();
    },
    /** Newest first; `beforeId` pages further back. */
    list: (limit: number, beforeId?: number): Promise<AuditRow[]> => {
      let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.execute();
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;

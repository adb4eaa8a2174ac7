import { sql, type Kysely } from 'kysely';

// Frozen in time: this file takes Kysely<any> and never imports app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Detection (motion, objects, faces → events) per camera; off until an admin turns it on.
  await db.schema
    .alterTable('cameras')
    .addColumn('detect', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`detect in (0, 1)`),
    )
    .execute();
}

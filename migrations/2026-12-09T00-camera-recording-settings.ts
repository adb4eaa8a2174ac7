import { sql, type Kysely } from 'kysely';

// Frozen in time: this file takes Kysely<any> and never imports app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A camera's recording settings as JSON (mode, pre- and post-roll, segment length); null means Vigil's
  // defaults (record around events).
  await db.schema
    .alterTable('cameras')
    .addColumn('recording_settings', 'text', (c) =>
      c.check(sql`recording_settings is null or json_valid(recording_settings)`),
    )
    .execute();
}

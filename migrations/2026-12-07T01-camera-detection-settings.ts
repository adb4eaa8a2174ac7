import { sql, type Kysely } from 'kysely';

// Frozen in time: this file takes Kysely<any> and never imports app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A camera's own detection settings as JSON (labels, thresholds, zones, masks, analysis rate and size);
  // null means Vigil's defaults, so existing cameras keep behaving as before.
  await db.schema
    .alterTable('cameras')
    .addColumn('detection_settings', 'text', (c) =>
      c.check(sql`detection_settings is null or json_valid(detection_settings)`),
    )
    .execute();
}

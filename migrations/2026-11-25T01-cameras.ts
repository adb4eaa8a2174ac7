import { sql, type Kysely } from 'kysely';

// Frozen in time: this file takes Kysely<any> and never imports app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One row per camera. The source columns used depend on `kind`; credentials are never returned by the API.
  await db.schema
    .createTable('cameras')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('rtsp', 'v4l2', 'file', 'test')`))
    .addColumn('url', 'text')
    .addColumn('device', 'text')
    .addColumn('path', 'text')
    .addColumn('username', 'text')
    .addColumn('password', 'text')
    .addColumn('enabled', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`enabled in (0, 1)`),
    )
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('fps', 'integer')
    .addColumn('rtsp_transport', 'text', (c) =>
      c
        .notNull()
        .defaultTo('tcp')
        .check(sql`rtsp_transport in ('tcp', 'udp')`),
    )
    .addColumn('latency_ms', 'integer', (c) => c.notNull().defaultTo(200))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Global options as JSON values under stable keys.
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

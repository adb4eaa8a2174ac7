import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { CamerasTable, Database } from '../db/schema.js';

export type CameraRow = Selectable<CamerasTable>;
export type NewCameraRow = Omit<Insertable<CamerasTable>, 'id'>;
export type CameraChanges = Omit<Updateable<CamerasTable>, 'id' | 'created_at'>;

export function createCamerasRepository(db: Kysely<Database>) {
  return {
    list: (): Promise<CameraRow[]> => db.selectFrom('cameras').selectAll().orderBy('id').execute(),
    findById: (id: number): Promise<CameraRow | undefined> =>
      db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: NewCameraRow): Promise<CameraRow> =>
      db.insertInto('cameras').values(row).returningAll().executeTakeFirstOrThrow(),
    update: (id: number, changes: CameraChanges): Promise<CameraRow | undefined> =>
      db.updateTable('cameras').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),
    delete: async (id: number): Promise<boolean> => {
      const result = await db.deleteFrom('cameras').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
export type CamerasRepository = ReturnType<typeof createCamerasRepository>;

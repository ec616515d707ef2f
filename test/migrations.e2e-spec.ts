import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config';
import { dataSourceOptions } from '../src/database/database.options';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The migrations, run from an empty database, make every column the entities map. TypeORM's SQLite helpers
 * rebuild a table from what they read of it, and such a rebuild once dropped a column another migration had
 * added in place (campaigns.segment_id): the entities then wrote to a column that was gone.
 */
describe('Migrations (e2e)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(dataSourceOptions(loadConfig({ ...process.env, ...db.env }).database));
    await ds.initialize();
    await ds.runMigrations();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('leaves every column of every entity in its table, and the campaigns → segments foreign key', async () => {
    const postgres = ds.options.type === 'postgres';
    const columnsOf = async (table: string): Promise<string[]> =>
      postgres
        ? (
            await ds.query<{ name: string }[]>(
              'SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1',
              [table],
            )
          ).map((r) => r.name)
        : (await ds.query<{ name: string }[]>(`PRAGMA table_info("${table}")`)).map((r) => r.name);
    const missing: string[] = [];
    for (const entity of ds.entityMetadatas) {
      const present = await columnsOf(entity.tableName);
      for (const column of entity.columns)
        if (!present.includes(column.databaseName)) missing.push(`${entity.tableName}.${column.databaseName}`);
    }
    expect(ds.entityMetadatas.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);

    const keys = postgres
      ? await ds.query<{ table: string }[]>(
          `SELECT ccu.table_name AS "table" FROM information_schema.table_constraints tc
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
            WHERE tc.table_name = 'campaigns' AND tc.constraint_type = 'FOREIGN KEY'`,
        )
      : await ds.query<{ table: string }[]>('PRAGMA foreign_key_list(campaigns)');
    expect(keys.map((k) => k.table)).toContain('segments');
  });

  // A later migration that rebuilds message_events with TypeORM's SQLite helpers would drop its trigger silently.
  it('keeps the trigger on message_events that keeps subscriber_last_opens', async () => {
    const triggers =
      ds.options.type === 'postgres'
        ? await ds.query<{ name: string }[]>(
            `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'message_events'::regclass AND NOT tgisinternal`,
          )
        : await ds.query<{ name: string }[]>(
            `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'message_events'`,
          );
    expect(triggers.map((r) => r.name)).toEqual(['message_events_note_human_opens']);
  });
});

import { startPostgres, type RunningPostgres } from '@aurora/testing';
import { sql } from 'kysely';
import { AppDatabase } from '../src/reports/app-database';
import { MIGRATIONS } from '../src/reports/migrations';

/** The application database's migrations on a real PostgreSQL: from an empty database, then again. */

let postgres: RunningPostgres;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(() => postgres.remove());

it('migrates an empty database, and a second run (another replica, a restart) changes nothing', async () => {
  const replicas = [0, 1, 2].map(() => new AppDatabase({ url: postgres.databaseUrl, poolMax: 2 }));
  try {
    // Replicas starting together take turns under the Migrator's advisory lock.
    await Promise.all(replicas.map((replica) => replica.migrate()));
    const [first] = replicas;
    if (!first) throw new Error('no replica');
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      first.db,
    );
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      first.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'alert_check_deliveries',
      'alert_checks',
      'alerts',
      'audit_events',
      'known_vintages',
      'kysely_migration',
      'kysely_migration_lock',
      'notifications',
      'people',
      'report_favourites',
      'report_opens',
      'report_shares',
      'report_versions',
      'reports',
      'schedule_run_deliveries',
      'schedule_runs',
      'schedules',
    ]);
    const again = new AppDatabase({ url: postgres.databaseUrl, poolMax: 1 });
    await again.migrate();
    await again.close();
    const after = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(first.db);
    expect(Number(after.rows[0]?.n)).toBe(Object.keys(MIGRATIONS).length);
  } finally {
    await Promise.all(replicas.map((replica) => replica.close()));
  }
});

it('answers UNAVAILABLE, not a crash, while the database is down, and migrates once it is back', async () => {
  const scratch = await startPostgres();
  const database = new AppDatabase({ url: scratch.databaseUrl, poolMax: 1, connectTimeoutMs: 1_000 });
  try {
    await scratch.stop();
    await expect(database.run((db) => sql`select 1`.execute(db))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await scratch.restart();
    const answer = await database.run((db) =>
      sql<{ n: number }>`select count(*)::int as n from reports`.execute(db),
    );
    expect(answer.rows[0]?.n).toBe(0);
  } finally {
    await database.close();
    await scratch.remove();
  }
});

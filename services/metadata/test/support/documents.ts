import type { Principal } from '@aurora/proto';
import { randomUUID } from 'node:crypto';
import type { AppDatabase } from '../../src/reports/app-database';

/**
 * A saved report written straight into the application database (the stores' own tests cover how a report is
 * saved through the API): `query` is stored as given, its base dataset is `dataset`.
 */
export function insertReport(
  database: AppDatabase,
  owner: Principal,
  at: Date,
  options: { dataset?: string; name?: string; query?: object } = {},
): Promise<string> {
  const { dataset = 'global_sales', name = 'Daily sales' } = options;
  const query = options.query ?? { dataset, columns: ['region'] };
  return insertDocument(database, owner, at, { name, dataset, query: JSON.stringify(query) });
}

/** A dashboard (a document of kind `dashboard` in the same table) with one chart tile on each report. */
export function insertDashboard(
  database: AppDatabase,
  owner: Principal,
  at: Date,
  reportIds: readonly string[],
): Promise<string> {
  const tiles = reportIds.map((reportId, i) => ({
    id: `t${i}`,
    reportId,
    view: 'chart',
    x: 0,
    y: i,
    w: 6,
    h: 1,
  }));
  return insertDocument(database, owner, at, {
    kind: 'dashboard',
    name: 'Month-end',
    dataset: '',
    query: '{}',
    definition: JSON.stringify({ tiles, filters: [] }),
  });
}

async function insertDocument(
  database: AppDatabase,
  owner: Principal,
  at: Date,
  columns: {
    kind?: 'report' | 'dashboard';
    name: string;
    dataset: string;
    query: string;
    definition?: string;
  },
): Promise<string> {
  const id = randomUUID();
  await database.db
    .insertInto('reports')
    .values({
      id,
      ...columns,
      owner_sub: owner.sub,
      owner_name: owner.name,
      description: '',
      folder: '',
      vintages: '{}',
      layout: '{}',
      version: 1,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  return id;
}

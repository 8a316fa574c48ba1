import type { Principal } from '@aurora/proto';
import { DuckDbAdapter } from '@aurora/warehouse';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readCatalogFile } from '../src/catalog-file';
import { CatalogService } from '../src/catalog.service';

const view = (extra: object = {}) => ({
  id: 'sales_with_people',
  table: 'sales_with_people',
  dataset: 'sales',
  joins: [{ dataset: 'people', type: 'left', on: [{ left: 'sales.person_id', right: 'people.person_id' }] }],
  columns: {
    'sales.sale_id': 'sale_id',
    'sales.person_id': 'person_id',
    'people.person_id': 'people_person_id',
    'people.name': 'people_name',
  },
  ...extra,
});
const catalog = (views: object[]) => ({
  datasets: [
    {
      id: 'sales',
      label: 'Sales',
      table: 'sales',
      uniqueKey: ['sale_id'],
      grants: [{ groups: ['analysts'], actions: ['view', 'export'] }],
      columns: [
        { name: 'sale_id', label: 'Sale ID' },
        { name: 'person_id', label: 'Person ID' },
      ],
    },
    {
      id: 'people',
      label: 'People',
      table: 'people',
      uniqueKey: ['person_id'],
      grants: [{ groups: ['hr'], actions: ['view', 'export'] }],
      columns: [
        { name: 'person_id', label: 'Person ID' },
        { name: 'name', label: 'Name' },
      ],
    },
  ],
  materializedViews: views,
});
const principal = (...groups: string[]): Principal => ({ sub: 'someone', name: 'Someone', groups });

let dir: string;
let warehouse: DuckDbAdapter;

function write(content: object): string {
  const path = join(dir, `catalog-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(content));
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aurora-metadata-'));
  warehouse = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    defaultTimeoutMs: 10_000,
  });
  await warehouse.execute('CREATE TABLE sales (sale_id BIGINT, person_id INTEGER)');
  await warehouse.execute('CREATE TABLE people (person_id INTEGER, name VARCHAR)');
  await warehouse.execute(`CREATE TABLE sales_with_people AS
    SELECT s.sale_id, s.person_id, p.person_id AS people_person_id, p.name AS people_name, 1.5 AS people_name_wrong
    FROM sales s LEFT JOIN people p ON s.person_id = p.person_id`);
});
afterAll(async () => {
  await warehouse.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('materialized views in the catalog file', () => {
  it('reads a view declared over the catalog’s datasets', () => {
    expect(readCatalogFile(write(catalog([view()]))).materializedViews).toHaveLength(1);
  });

  it.each([
    ['a filter of its own', view({ filter: { kind: 'group', op: 'and', items: [] } }), /filter/],
    ['an unknown dataset', view({ dataset: 'nope' }), /unknown dataset nope/],
    ['an unknown join type', view({ joins: [{ ...view().joins[0], type: 'cross' }] }), /type/],
    [
      'a join key of the wrong side',
      view({ joins: [{ ...view().joins[0], on: [{ left: 'people.person_id', right: 'sales.person_id' }] }] }),
      /joined before/,
    ],
    [
      'a column that the dataset does not expose',
      view({ columns: { 'sales.secret': 'secret' } }),
      /maps sales\.secret/,
    ],
    [
      'two columns in one view column',
      view({ columns: { 'sales.person_id': 'person_id', 'people.person_id': 'person_id' } }),
      /two columns to person_id/,
    ],
    ['the id of a dataset', view({ id: 'sales' }), /id of a dataset/],
  ])('refuses a view with %s', (_name, declared, message) => {
    expect(() => readCatalogFile(write(catalog([declared])))).toThrow(message);
  });
});

describe('materialized views in the catalog service', () => {
  it('checks the view’s columns against the warehouse and gives it to principals who read every dataset it joins', async () => {
    const service = await CatalogService.build(readCatalogFile(write(catalog([view()]))), warehouse, 1000);
    const [declared] = service.materializedViews(principal('analysts', 'hr'));
    expect(declared).toEqual({
      id: 'sales_with_people',
      tableSchema: '',
      tableName: 'sales_with_people',
      rowEstimate: 0,
      dataset: 'sales',
      joins: [
        { dataset: 'people', type: 'left', on: [{ left: 'sales.person_id', right: 'people.person_id' }] },
      ],
      columns: [
        { source: 'sales.sale_id', column: 'sale_id' },
        { source: 'sales.person_id', column: 'person_id' },
        { source: 'people.person_id', column: 'people_person_id' },
        { source: 'people.name', column: 'people_name' },
      ],
    });
    // Someone who may not read people never learns of a view holding its columns.
    expect(service.materializedViews(principal('analysts'))).toEqual([]);
    expect(service.materializedViews(principal('hr'))).toEqual([]);
    // It is never listed as a dataset.
    expect(service.list(principal('analysts', 'hr')).map((d) => d.id)).toEqual(['sales', 'people']);
  });

  it('leaves out a view whose table is not in the warehouse (never routed to), and starts', async () => {
    const absent = view({ table: 'not_built_yet' });
    const service = await CatalogService.build(readCatalogFile(write(catalog([absent]))), warehouse, 1000);
    expect(service.materializedViews(principal('analysts', 'hr'))).toEqual([]);
  });

  it('refuses to start when a view column is missing or has another type than the column it holds', async () => {
    const missing = view({ columns: { 'people.name': 'nowhere' } });
    await expect(
      CatalogService.build(readCatalogFile(write(catalog([missing]))), warehouse, 1000),
    ).rejects.toThrow(/maps people\.name to nowhere/);
    const retyped = view({ columns: { 'people.name': 'people_name_wrong' } });
    await expect(
      CatalogService.build(readCatalogFile(write(catalog([retyped]))), warehouse, 1000),
    ).rejects.toThrow(/people_name_wrong is number but people\.name is string/);
  });
});

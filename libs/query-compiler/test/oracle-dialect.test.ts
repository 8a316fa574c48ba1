import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter } from '@aurora/warehouse';
import { catalogOf, compileQuery, type CatalogDataset } from '../src';
import { DuckDbCompiler } from '../src/dialects/duckdb';
import { planRows } from '../src/plan';
import { resolveQuery } from '../src/resolve';
import { compareEmptyStringsAsOracle } from '../src/dialects/oracle-rewrites';

const notes: CatalogDataset = {
  id: 'notes',
  label: 'Notes',
  table: { name: 'notes' },
  rowEstimate: 10,
  uniqueKey: ['id'],
  partition: null,
  columns: [
    { name: 'id', label: 'ID', type: 'integer', nullable: false },
    { name: 'text', label: 'Text', type: 'string', nullable: true },
  ],
};
const options = { maxRowLimit: 1000, today: '2026-11-20', timeZone: 'UTC' };
const query = (condition: object) =>
  parseQuery({
    dataset: 'notes',
    columns: ['id'],
    filter: { kind: 'group', op: 'and', items: [{ kind: 'condition', column: 'text', ...condition }] },
    sort: [{ column: 'id', dir: 'asc' }],
  });

describe('Oracle identifiers', () => {
  it.each([
    ['a double quote', 'we"ird'],
    ['a NUL', 'nul\u0000name'],
    ['more than 128 bytes', 'é'.repeat(65)],
  ])('refuses a catalog name with %s instead of writing it', (_name, table) => {
    const catalog = catalogOf([{ ...notes, table: { name: table } }]);
    const body = query({ operator: 'is_null' });
    expect(() => compileQuery(body, catalog, { ...options, dialect: 'oracle' })).toThrow(
      /not a valid Oracle identifier/,
    );
  });

  it('quotes names as the catalog spells them, up to 128 bytes', () => {
    const name = 'MixedCase_' + 'x'.repeat(118);
    const catalog = catalogOf([{ ...notes, table: { schema: 'Sales', name } }]);
    const { sql } = compileQuery(query({ operator: 'is_null' }), catalog, { ...options, dialect: 'oracle' });
    expect(sql).toContain(`FROM "Sales"."${name}"`);
  });
});

describe("Oracle's '' is NULL: comparisons with the empty string", () => {
  const conditions = [
    { operator: '=', value: '' },
    { operator: '!=', value: '' },
    { operator: '!=', value: '', not: true },
    { operator: '<', value: '' },
    { operator: '<=', value: '' },
    { operator: '>', value: '' },
    { operator: '>=', value: '' },
    { operator: 'in', values: ['', 'b'] },
    { operator: 'in', values: [''], not: true },
    { operator: 'between', values: ['', 'b'] },
    { operator: 'between', values: ['a', ''] },
  ];
  let db: DuckDbAdapter;
  beforeAll(async () => {
    db = await DuckDbAdapter.open({
      path: ':memory:',
      readOnly: false,
      connections: 1,
      defaultTimeoutMs: 10_000,
    });
    // What an Oracle table holds: no empty strings, NULL where '' was inserted.
    await db.execute(
      `CREATE TABLE notes AS SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'b'), (4, 'c')) t(id, text)`,
    );
  });
  afterAll(() => db.close());

  it.each(conditions)(
    "%j: without binding '', the rows the comparison with '' selects",
    async (condition) => {
      const plan = planRows(resolveQuery(query(condition), catalogOf([notes]), options), {
        pushdown: true,
        reorderJoins: true,
        peekOneMore: false,
        materializedViews: [],
        maskingKey: null,
      });
      const plain = await db.query(new DuckDbCompiler().compile(plan));
      const rewritten = new DuckDbCompiler().compile(compareEmptyStringsAsOracle(plan));
      expect(rewritten.params).not.toContain('');
      expect((await db.query(rewritten)).rows).toEqual(plain.rows);
    },
  );
});

import { startStack, type Stack } from '@aurora/testing';
import type { Cell } from '@aurora/warehouse';
import { parseCsv } from './support/csv';
import { expectProblem, post } from './support/http';
import { expectSameRows } from './support/rows';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Vintage comparison" and "Pivot", through the HTTP API of the real stack on the demo catalog:
 * preview, count and CSV answer what hand-written DuckDB SQL answers, and dave (sales-emea, claim regions: [EMEA])
 * sees both sides of a comparison and a pivot's columns only through his row policy.
 */

let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
let alice: string;
let dave: string;

const day = (loadId: string) => ({ loadType: 'DAILY', loadId });
const BASE = '2026-11-19';
const TARGET = '2026-11-20';

beforeAll(async () => {
  warehouse = await demoWarehouse(20_000);
  stack = await startStack({ warehousePath: warehouse.path });
  api = stack.urls.api;
  alice = await stack.token('alice-cli');
  dave = await stack.token('dave-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

interface Preview {
  columns: { name: string; label: string; type: string }[];
  rows: Cell[][];
  hasMore: boolean;
}

async function preview(body: unknown, token = alice): Promise<Preview> {
  const response = await post(`${api}/query/preview`, body, { token });
  if (response.status !== 200) throw new Error(`preview: ${response.status} ${response.text}`);
  return response.json<Preview>();
}

async function csv(body: unknown): Promise<{ header: string[]; records: string[][] }> {
  const response = await post(`${api}/query/csv`, body, { token: alice });
  if (response.status !== 200) throw new Error(`csv: ${response.status} ${response.text}`);
  return parseCsv(response.text);
}

const compareByChannel = {
  dataset: 'global_sales',
  compare: { base: day(BASE), target: day(TARGET) },
  aggregate: {
    groupBy: ['channel'],
    measures: [
      { fn: 'sum', column: 'amount', as: 'amount' },
      { fn: 'count', column: null, as: 'sales' },
    ],
  },
  sort: [{ column: 'channel', dir: 'asc' }],
};

/** Each side grouped by hand, matched in JS: [channel, amount base/target/diff/pct, sales …, status]. */
async function expectedComparison(where = 'TRUE'): Promise<Cell[][]> {
  const side = async (loadId: string) =>
    new Map(
      (
        await warehouse.rows(
          `SELECT channel, SUM(amount), COUNT(*) FROM global_sales
           WHERE load_type = 'DAILY' AND load_id = CAST($1 AS DATE) AND ${where} GROUP BY channel`,
          [loadId],
        )
      ).map((row) => [JSON.stringify(row[0]), row]),
    );
  const [base, target] = [await side(BASE), await side(TARGET)];
  const keys = [...new Set([...base.keys(), ...target.keys()])].map((key) => JSON.parse(key) as Cell);
  keys.sort((a, b) => (a === null ? 1 : b === null ? -1 : String(a).localeCompare(String(b), 'en')));
  return keys.map((key) => {
    const b = base.get(JSON.stringify(key));
    const t = target.get(JSON.stringify(key));
    const cells: Cell[] = [key];
    for (const i of [1, 2]) {
      const bv = b ? Number(b[i]) : null;
      const tv = t ? Number(t[i]) : null;
      const diff = (tv ?? 0) - (bv ?? 0);
      cells.push(bv, tv, diff, bv === null || bv === 0 ? null : (diff * 100) / bv);
    }
    cells.push(!b ? 'added' : !t ? 'removed' : b[1] === t[1] && b[2] === t[2] ? 'same' : 'changed');
    return cells;
  });
}

describe('vintage comparison', () => {
  it('previews one row per key with both loads, the difference, the change and the status', async () => {
    const result = await preview(compareByChannel);
    expect(result.columns.map((c) => c.name)).toEqual([
      'channel',
      'amount_base',
      'amount_target',
      'amount_diff',
      'amount_pct',
      'sales_base',
      'sales_target',
      'sales_diff',
      'sales_pct',
      'status',
    ]);
    const expected = await expectedComparison();
    expect(expected.length).toBeGreaterThan(1);
    expectSameRows(result.rows, expected);
  });

  it('filters on the status and downloads as CSV with the same columns and rows', async () => {
    const changed = {
      ...compareByChannel,
      resultFilter: {
        kind: 'group',
        op: 'and',
        items: [{ kind: 'condition', column: 'status', operator: '=', value: 'changed' }],
      },
    };
    const shown = await preview(changed);
    expect(shown.rows.every((row) => row.at(-1) === 'changed')).toBe(true);
    const { header, records } = await csv(changed);
    expect(header).toEqual(shown.columns.map((c) => c.name));
    expect(records.map((record) => [record[0], record.at(-1)])).toEqual(
      shown.rows.map((row) => [row[0], row.at(-1)]),
    );
    const count = await post(`${api}/query/count`, changed, { token: alice });
    expect(count.json<{ count: number }>().count).toBe(shown.rows.length);
  });

  it('applies the row policy to both sides', async () => {
    const byRegion = {
      ...compareByChannel,
      aggregate: { ...compareByChannel.aggregate, groupBy: ['region'] },
    };
    const result = await preview({ ...byRegion, sort: [{ column: 'region', dir: 'asc' }] }, dave);
    expect(result.rows.map((row) => row[0])).toEqual(['EMEA']);
    const emea = await warehouse.rows(
      `SELECT SUM(amount) FROM global_sales WHERE load_type = 'DAILY' AND load_id = CAST($1 AS DATE) AND region = 'EMEA'`,
      [BASE],
    );
    expectSameRows([[result.rows[0]?.[1] ?? null]], [[Number(emea[0]?.[0])]]);
  });

  it('is refused with 400 INVALID_QUERY when a measure is not numeric', async () => {
    const body = {
      ...compareByChannel,
      aggregate: { groupBy: ['channel'], measures: [{ fn: 'max', column: 'comment', as: 'last' }] },
    };
    expectProblem(
      await post(`${api}/query/preview`, body, { token: alice }),
      400,
      'INVALID_QUERY',
      'aggregate.measures[0]',
    );
  });
});

const pivotByRegion = {
  dataset: 'global_sales',
  vintages: { global_sales: day(TARGET) },
  aggregate: {
    groupBy: ['channel'],
    measures: [{ fn: 'sum', column: 'amount', as: 'amount' }],
    pivot: { column: 'region' },
  },
  sort: [{ column: 'channel', dir: 'asc' }],
};

describe('pivot', () => {
  it('previews a cross-tab: row dimensions down, one column per value across, NULL its own', async () => {
    const regions = (
      await warehouse.rows(
        `SELECT DISTINCT region FROM global_sales WHERE load_type = 'DAILY' AND load_id = CAST($1 AS DATE)
         ORDER BY region NULLS LAST`,
        [TARGET],
      )
    ).map((row) => row[0] ?? null);
    expect(regions).toContain(null);
    const result = await preview(pivotByRegion);
    expect(result.columns.map((c) => c.label)).toEqual([
      'Channel',
      ...regions.map((r) => (r === null ? '(no value)' : String(r))),
    ]);
    // The values bound in the hand-written SQL too: $2, $3, … for the non-null ones.
    const named = regions.filter((r) => r !== null).map(String);
    const cells = regions
      .map(
        (r) =>
          `SUM(CASE WHEN region ${r === null ? 'IS NULL' : `= $${named.indexOf(String(r)) + 2}`} THEN amount END)`,
      )
      .join(', ');
    const expected = await warehouse.rows(
      `SELECT channel, ${cells} FROM global_sales WHERE load_type = 'DAILY' AND load_id = CAST($1 AS DATE)
       GROUP BY channel ORDER BY channel NULLS LAST`,
      [TARGET, ...named],
    );
    expectSameRows(result.rows, expected);
  });

  it('downloads as CSV and counts its rows', async () => {
    const shown = await preview(pivotByRegion);
    const { header, records } = await csv(pivotByRegion);
    // The value columns are headed by their values (labels), the row dimensions by their names.
    expect(header).toEqual(['channel', ...shown.columns.slice(1).map((c) => c.label)]);
    expect(records.map((record) => record[0])).toEqual(shown.rows.map((row) => String(row[0])));
    const count = await post(`${api}/query/count`, pivotByRegion, { token: alice });
    expect(count.json<{ count: number }>().count).toBe(shown.rows.length);
  });

  it('shows its SQL with the values read and bound, never written into it', async () => {
    const response = await post(`${api}/query/sql`, pivotByRegion, { token: alice });
    expect(response.status).toBe(200);
    const { sql, params } = response.json<{ sql: string; params: unknown[] }>();
    expect(sql).toContain('CASE WHEN');
    expect(sql).not.toContain('EMEA');
    expect(params).toContain('EMEA');
  });

  it('reads its columns through the row policy: dave learns no other region from the header', async () => {
    const result = await preview(pivotByRegion, dave);
    expect(result.columns.map((c) => c.label)).toEqual(['Channel', 'EMEA']);
  });

  it('refuses more than 50 values with 400 INVALID_QUERY naming the count', async () => {
    const body = {
      ...pivotByRegion,
      aggregate: { ...pivotByRegion.aggregate, pivot: { column: 'customer_id' } },
    };
    const distinct = await warehouse.rows(
      `SELECT COUNT(DISTINCT customer_id) + MAX(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END)
       FROM global_sales WHERE load_type = 'DAILY' AND load_id = CAST($1 AS DATE)`,
      [TARGET],
    );
    const response = await post(`${api}/query/preview`, body, { token: alice });
    const problem = expectProblem(response, 400, 'INVALID_QUERY', 'aggregate.pivot.column');
    expect(problem.detail).toContain(`${String(distinct[0]?.[0])} distinct values`);
  });
});

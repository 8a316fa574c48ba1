import { QUERY_LIMITS } from '@aurora/query-model';
import type { Stack } from '@aurora/testing';
import { expectProblem, post, send, type ApiResponse } from './support/http';
import { startExportsStack, type ExportsStack } from './support/exports-stack';
import type { TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Bounds": a body nested deeper than any legal one (it would overflow a recursive walk such as
 * JSON.stringify) is a 400 INVALID_QUERY on every route taking a query, never a 5xx.
 */

let running: ExportsStack;
let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
let alice: string;

beforeAll(async () => {
  running = await startExportsStack({ RATE_LIMIT_PER_MINUTE: '100000000' });
  ({ warehouse, stack } = running);
  api = stack.urls.api;
  alice = await stack.token('alice-cli');
}, 120_000);

afterAll(() => running.stop());

/** A legal query whose filter nests `depth` groups, the innermost holding `condition`. */
function filteredQuery(depth: number, condition: unknown): Record<string, unknown> {
  let filter: unknown = { kind: 'group', op: 'and', items: [condition] };
  for (let level = 1; level < depth; level += 1) filter = { kind: 'group', op: 'and', items: [filter] };
  return {
    dataset: 'products',
    columns: ['product_id'],
    filter,
    sort: [{ column: 'product_id', dir: 'asc' }],
  };
}

describe('a body nested deeper than any legal query', () => {
  const group = '{"kind":"group","op":"and","items":[';
  const condition = '{"kind":"condition","column":"product_id","operator":">=","value":0}';
  /** JSON text (JSON.stringify itself would overflow on these): a query whose filter nests `depth` groups. */
  const deepFilter = (depth: number) =>
    `{"dataset":"products","columns":["product_id"],"filter":${group.repeat(depth)}${condition}${']}'.repeat(depth)}}`;
  const BODIES: readonly (readonly [string, string])[] = [
    ['a filter nested 5,000 deep', deepFilter(5_000)],
    ['a filter nested 15,000 deep', deepFilter(15_000)],
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ];
  const ROUTES: readonly (readonly [string, (query: string) => Promise<ApiResponse>])[] = [
    ['POST /query/preview', (query) => post(`${api}/query/preview`, query, { token: alice })],
    ['POST /query/count', (query) => post(`${api}/query/count`, query, { token: alice })],
    ['POST /query/sql', (query) => post(`${api}/query/sql`, query, { token: alice })],
    ['POST /query/csv', (query) => post(`${api}/query/csv`, query, { token: alice })],
    ['POST /query/csv (form)', (query) => csvForm(query)],
    [
      'POST /exports',
      (query) => post(`${api}/exports`, `{"format":"csv","query":${query}}`, { token: alice }),
    ],
  ];

  function csvForm(query: string): Promise<ApiResponse> {
    return send(
      `${api}/query/csv`,
      { method: 'POST', body: new URLSearchParams({ query, fileName: 'deep' }).toString() },
      { token: alice, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
  }

  describe.each(ROUTES)('through %s', (_route, send) => {
    it.each(BODIES)('%s is a 400 INVALID_QUERY', async (_case, query) => {
      const problem = expectProblem(await send(query), 400, 'INVALID_QUERY');

      expect(problem.detail).toMatch(
        new RegExp(`nested too deeply: at most ${QUERY_LIMITS.maxJsonDepth} objects and arrays`),
      );
    });
  });

  it('does not stop a legal query with a filter 8 groups deep ending in a list', async () => {
    const ids = (await warehouse.rows('SELECT product_id FROM products ORDER BY product_id LIMIT 3')).map(
      ([id]) => Number(id),
    );
    const query = filteredQuery(QUERY_LIMITS.maxFilterDepth, {
      kind: 'condition',
      column: 'product_id',
      operator: 'in',
      values: ids,
    });

    const preview = await post(`${api}/query/preview`, query, { token: alice });
    expect(preview.status).toBe(200);
    expect(preview.json<{ rows: unknown[] }>().rows).toEqual(ids.map((id) => [id]));

    const csv = await csvForm(JSON.stringify(query));
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split(/\r?\n/)).toEqual(['product_id', ...ids.map(String)]);

    const exported = await post(`${api}/exports`, { query, format: 'csv' }, { token: alice });
    expect(exported.status).toBe(202);
  });
});

import { corpusStrings, expressionCorpus, startStack, type Stack } from '@aurora/testing';
import { expectNoInternals, post, type ApiResponse, type Problem } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * The bad-input corpora of @aurora/testing (libs/testing/fixtures/corpora: the Big List of Naughty Strings and SQL-injection payloads), sent
 * through POST /query/preview as filter values and as dataset, column and sort names. Whatever a client sends,
 * the answer is a result or a 4xx problem of the taxonomy: never a 5xx, never internals.
 */

const CONCURRENCY = 8;

let warehouse: TestWarehouse;
let stack: Stack;
let alice: string;
const strings = corpusStrings();

beforeAll(async () => {
  warehouse = await demoWarehouse(50_000);
  stack = await startStack({
    warehousePath: warehouse.path,
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  alice = await stack.token('alice-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

const where = (condition: Record<string, unknown>) => ({
  kind: 'group',
  op: 'and',
  items: [{ kind: 'condition', ...condition }],
});

interface Use {
  /** Where the string goes. */
  readonly name: string;
  readonly body: (s: string) => unknown;
  /** The codes a 400 may carry for this use. */
  readonly codes: readonly string[];
}

const USES: readonly Use[] = [
  {
    name: 'an integer filter value',
    body: (s) => ({
      dataset: 'products',
      columns: ['name'],
      filter: where({ column: 'product_id', operator: 'in', values: [s] }),
    }),
    codes: ['INVALID_QUERY', 'INVALID_VALUE'],
  },
  {
    name: 'a date filter value',
    body: (s) => ({
      dataset: 'products',
      columns: ['name'],
      filter: where({ column: 'launched_on', operator: '>=', value: s }),
    }),
    codes: ['INVALID_QUERY', 'INVALID_VALUE'],
  },
  {
    name: 'a Load ID',
    body: (s) => ({
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: s } },
      columns: ['sale_id'],
    }),
    codes: ['INVALID_QUERY', 'INVALID_VALUE'],
  },
  {
    name: 'a dataset name',
    body: (s) => ({ dataset: s, columns: ['name'] }),
    codes: ['INVALID_QUERY', 'UNKNOWN_DATASET'],
  },
  {
    name: 'a column name',
    body: (s) => ({ dataset: 'products', columns: [s] }),
    codes: ['INVALID_QUERY', 'UNKNOWN_COLUMN'],
  },
  {
    name: 'a calculated column expression',
    body: (s) => ({ dataset: 'products', computed: [{ as: 'calc', expr: s }], columns: ['name', 'calc'] }),
    codes: ['INVALID_QUERY'],
  },
  {
    name: 'a sort name',
    body: (s) => ({ dataset: 'products', columns: ['name'], sort: [{ column: s, dir: 'asc' }] }),
    codes: ['INVALID_QUERY', 'UNKNOWN_COLUMN'],
  },
];

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

/** What is wrong with one answer, or undefined when it is as the contract says. */
function problemWith(codes: readonly string[], input: string, response: ApiResponse): string | undefined {
  if (response.status >= 500) return `${response.status}: ${response.text}`;
  try {
    expectNoInternals(response.text, [input]);
  } catch (error) {
    return String(error);
  }
  if (response.status === 200) {
    const body = response.json<{ rows?: unknown }>();
    return Array.isArray(body.rows) ? undefined : `200 without rows: ${response.text}`;
  }
  if (response.status !== 400) return `unexpected ${response.status}: ${response.text}`;
  if (!/^application\/problem\+json/.test(response.headers.get('content-type') ?? '')) {
    return `a 400 that is not problem+json: ${response.text}`;
  }
  const { code } = response.json<Problem>();
  return codes.includes(code) ? undefined : `unexpected code ${code}: ${response.text}`;
}

describe('the bad-input corpora through POST /query/preview', () => {
  it('holds enough hostile strings to mean something', () => {
    expect(strings.length).toBeGreaterThan(1500);
    expect(strings.some((s) => s.includes("'"))).toBe(true);
    expect(strings.some((s) => /union\s+select/i.test(s))).toBe(true);
  });

  it.each(USES.map((use) => [use.name, use] as const))(
    'as %s: every answer is a result or a 400 of the taxonomy, none ≥ 500, none with internals',
    async (_name, use) => {
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      await pool(strings, CONCURRENCY, async (input) => {
        const response = await post(`${stack.urls.api}/query/preview`, use.body(input), { token: alice });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const wrong = problemWith(use.codes, input, response);
        if (wrong !== undefined) failures.push(`${JSON.stringify(input)} → ${wrong}`);
      });
      expect(failures.slice(0, 10)).toEqual([]);
      expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(strings.length);
    },
    120_000,
  );

  it('as a string filter value (contains): the same answers, and exactly the rows DuckDB matches', async () => {
    const failures: string[] = [];
    await pool(strings, CONCURRENCY, async (input) => {
      const response = await post(
        `${stack.urls.api}/query/preview`,
        {
          dataset: 'products',
          columns: ['product_id'],
          filter: where({ column: 'name', operator: 'contains', value: input }),
          page: { number: 1, size: 500 }, // every product fits one page
        },
        { token: alice },
      );
      // A 400 only for a value longer than a value may be.
      const wrong = problemWith(['INVALID_QUERY'], input, response);
      if (wrong !== undefined) {
        failures.push(`${JSON.stringify(input)} → ${wrong}`);
        return;
      }
      if (response.status !== 200) return;
      const [expected] = await warehouse.rows('SELECT count(*) FROM products WHERE contains(name, $1)', [
        input,
      ]);
      const rows = response.json<{ rows: unknown[] }>().rows.length;
      if (rows !== Number(expected?.[0])) {
        failures.push(`${JSON.stringify(input)}: ${rows} rows, DuckDB finds ${String(expected?.[0])}`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);
});

/** Every corpus string in each place of a body where none of them is valid: each answer a 400, none with internals. */
function corpusThrough(path: string, uses: readonly [string, (s: string) => unknown][]): void {
  it.each(uses)(
    'as %s: every answer is a 400 INVALID_QUERY problem, none with internals',
    async (_name, body) => {
      const failures: string[] = [];
      await pool(strings, CONCURRENCY, async (input) => {
        const response = await post(`${stack.urls.api}${path}`, body(input), { token: alice });
        const wrong =
          response.status === 400
            ? problemWith(['INVALID_QUERY'], input, response)
            : `unexpected ${response.status}: ${response.text}`;
        if (wrong !== undefined) failures.push(`${JSON.stringify(input)} → ${wrong}`);
      });
      expect(failures.slice(0, 10)).toEqual([]);
    },
    120_000,
  );
}

const REPORT_ID = '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90';

describe('the bad-input corpora through POST /schedules', () => {
  const schedule = (overrides: Record<string, unknown>) => ({
    reportId: REPORT_ID,
    format: 'csv',
    trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
    ...overrides,
  });
  corpusThrough('/schedules', [
    ['a cron expression', (s) => schedule({ trigger: { cron: s, timeZone: 'Europe/Berlin' } })],
    ['a time zone', (s) => schedule({ trigger: { cron: '0 7 * * *', timeZone: s } })],
    ['a report id', (s) => schedule({ reportId: s })],
    ['a webhook URL', (s) => schedule({ deliveries: [{ webhook: { url: s } }] })],
  ]);
});

describe('the bad-input corpora through POST /alerts', () => {
  const alert = (overrides: Record<string, unknown>) => ({
    reportId: REPORT_ID,
    name: 'Sales alert',
    condition: { kind: 'threshold', measure: 'total', op: '>', value: 1 },
    trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
    ...overrides,
  });
  corpusThrough('/alerts', [
    ['a condition kind', (s) => alert({ condition: { kind: s, measure: 'total', op: '>', value: 1 } })],
    ['a comparison', (s) => alert({ condition: { kind: 'threshold', measure: 'total', op: s, value: 1 } })],
    ['a cron expression', (s) => alert({ trigger: { cron: s, timeZone: 'Europe/Berlin' } })],
    ['a report id', (s) => alert({ reportId: s })],
    ['a webhook URL', (s) => alert({ deliveries: [{ webhook: { url: s } }] })],
  ]);
});

describe('calculated columns through POST /query/preview (after CVE-2025-48912)', () => {
  const computing = (expr: string, dataset = 'products') => ({
    dataset,
    ...(dataset === 'global_sales'
      ? { vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } } }
      : {}),
    computed: [{ as: 'calc', expr }],
    columns: ['calc'],
    page: { number: 1, size: 1 },
  });

  it.each(expressionCorpus().map((expr) => [expr] as const))(
    'refuses the hostile expression %j with a 400 at computed[0].expr, on any dataset',
    async (expr) => {
      for (const dataset of ['products', 'global_sales', 'employee_roster']) {
        const response = await post(`${stack.urls.api}/query/preview`, computing(expr, dataset), {
          token: alice,
        });
        // A masked column (alice's view of employee_roster.email) is COLUMN_MASKED; anything else is INVALID_QUERY.
        expect(problemWith(['INVALID_QUERY', 'COLUMN_MASKED'], expr, response)).toBeUndefined();
        expect({ expr, dataset, status: response.status }).toEqual({ expr, dataset, status: 400 });
        expect(response.json<Problem>().path).toBe('computed[0].expr');
      }
    },
  );

  it('returns every corpus string written as a text literal exactly: bound, never SQL', async () => {
    const failures: string[] = [];
    await pool(strings, CONCURRENCY, async (input) => {
      const literal = `'${input.replaceAll("'", "''")}'`;
      const response = await post(`${stack.urls.api}/query/preview`, computing(literal), { token: alice });
      const wrong = problemWith(['INVALID_QUERY'], input, response);
      if (wrong !== undefined) failures.push(`${JSON.stringify(input)} → ${wrong}`);
      else if (response.status === 400 && !input.includes('\n'))
        failures.push(`${JSON.stringify(input)} refused`);
      else if (response.status === 200) {
        const [row] = response.json<{ rows: unknown[][] }>().rows;
        // As for any stored text, the DuckDB driver's TextDecoder drops one leading byte order mark.
        const shown = input.startsWith('\uFEFF') ? input.slice(1) : input;
        if (row?.[0] !== shown) failures.push(`${JSON.stringify(input)} came back as ${JSON.stringify(row)}`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);
});

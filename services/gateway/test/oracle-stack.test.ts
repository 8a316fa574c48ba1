import { startStack, type Env, type GatewayProcess, type Stack } from '@aurora/testing';
import { OracleAdapter, openWarehouse, type Cell } from '@aurora/warehouse';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The compiler's golden queries and the demo generator are fixtures here, read from their sources.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  GOLDEN_QUERIES,
  ROUTED_GOLDEN_QUERIES,
} from '../../../libs/query-compiler/test/fixtures/golden-queries';
// eslint-disable-next-line @nx/enforce-module-boundaries
import * as demo from '../../../tools/demo-data/src';
import { parseCsv } from './support/csv';
import { get, post, type ApiResponse } from './support/http';
import { DEMO_CATALOG } from './support/warehouse';

/**
 * Opt-in: with ORACLE_TEST_URL (oracle://user@host:port/service, password in WAREHOUSE_PASSWORD) the demo
 * warehouse (20,000 sales) is loaded into that Oracle under a per-run table prefix, and two stacks run on the
 * same data: one on DuckDB, one with metadata and query on Oracle. Every answer of the HTTP API must be the
 * same on both: the catalog, vintages, every golden query's preview (all pages), count and CSV, and the error
 * contract. The DuckDB copy is made to hold what Oracle holds ('' as NULL, timestamps to the millisecond).
 * The tables are dropped afterwards. Skipped otherwise: no Oracle can run on Aurora's build machines.
 */
const url = process.env['ORACLE_TEST_URL'];
const describeOracle = url ? describe : describe.skip;

const SALES_ROWS = 20_000;
const PREFIX = `aurora_it_${process.pid}_`;
/** A query service whose cost check refuses `customers` (20,000 rows) but not the small datasets. */
const STRICT: Env = {
  QUERY_TIMEOUT_MS: '100',
  QUERY_COST_CEILING: '10',
  QUERY_COST_CHECK_MIN_ROWS: '6000',
  WAREHOUSE_CONNECTIONS: '1',
};

interface Side {
  readonly stack: Stack;
  /** A gateway in front of a STRICT query service. */
  readonly strict: GatewayProcess;
  readonly token: string;
}

let root: string;
let oracle: OracleAdapter | undefined;
let duck: Side;
let ora: Side;

async function side(warehousePath: string, catalogPath: string, engine: Env): Promise<Side> {
  const stack = await startStack({ warehousePath, catalogPath, env: { metadata: engine, query: engine } });
  const query = await stack.startQuery({ ...engine, ...STRICT });
  const strict = await stack.startGateway({ QUERY_GRPC_ADDRESS: query.address });
  // carol (admins) may read every dataset, employee_roster and the materialized view included.
  return { stack, strict, token: await stack.token('carol-cli') };
}

/** The same request to both stacks (or both strict gateways). */
async function both(
  request: (api: string, token: string) => Promise<ApiResponse>,
  strict = false,
): Promise<[ApiResponse, ApiResponse]> {
  const api = (s: Side) => (strict ? s.strict.api : s.stack.urls.api);
  return Promise.all([request(api(duck), duck.token), request(api(ora), ora.token)]);
}

/** Doubles (averages) may differ in their last bits between engines: numbers to 12 significant digits. */
function comparable(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

/** A CSV cell that is a decimal number, as `comparable` rounds it; any other cell as is. */
function comparableCsv(text: string): string[][] {
  const { header, records } = parseCsv(text);
  const cell = (c: string) => (/^-?\d+\.\d+(e[+-]?\d+)?$/i.test(c) ? String(comparable(Number(c))) : c);
  return [header, ...records.map((record) => record.map(cell))];
}

/** The golden queries are written for the compiler's test catalog; two of its columns are named otherwise. */
function onDemoCatalog(body: unknown): Record<string, unknown> {
  const text = JSON.stringify(body)
    .replace(/\bsold_at\b/g, 'ordered_at')
    .replaceAll('"employee_roster.name"', '"employee_roster.full_name"');
  const query = JSON.parse(text) as Record<string, unknown>;
  return query['dataset'] === 'employee_roster'
    ? (JSON.parse(text.replaceAll('"name"', '"full_name"')) as Record<string, unknown>)
    : query;
}

interface Preview {
  columns: unknown[];
  rows: Cell[][];
  page: { number: number; size: number };
  hasMore: boolean;
}

/** Every page of a preview from page 1 (the fixture's page size), without the timing; each must be a 200. */
async function allPages(api: string, token: string, query: Record<string, unknown>): Promise<unknown[]> {
  const size = (query['page'] as { size?: number } | undefined)?.size ?? 500;
  const pages: unknown[] = [];
  for (let number = 1; number <= 100; number++) {
    const response = await post(`${api}/query/preview`, { ...query, page: { number, size } }, { token });
    if (response.status !== 200) throw new Error(`page ${number}: ${response.status} ${response.text}`);
    const { columns, rows, page, hasMore } = response.json<Preview>();
    pages.push({ columns, rows, page, hasMore });
    if (!hasMore) return pages;
  }
  throw new Error('paging does not end');
}

const GOLDEN = Object.entries({ ...GOLDEN_QUERIES, ...ROUTED_GOLDEN_QUERIES }).map(
  ([name, body]) => [name, onDemoCatalog(body)] as const,
);

describeOracle(
  'the HTTP API on Oracle answers what it answers on DuckDB (opt-in: set ORACLE_TEST_URL)',
  () => {
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'aurora-oracle-stack-'));
      const dir = join(root, 'demo');
      await demo.generateDemoWarehouse({ dir, salesRows: SALES_ROWS });
      await demo.matchOracleInDuckDb(dir);
      const adapter = await openWarehouse(url ?? '', { connections: 1, oracle: { poolMin: 1, poolMax: 1 } });
      if (!(adapter instanceof OracleAdapter)) throw new Error('ORACLE_TEST_URL must be an oracle:// URL');
      oracle = adapter;
      const source = await demo.openDemoWarehouse(dir);
      try {
        await demo.loadDemoIntoOracle(source, oracle, { prefix: PREFIX });
      } finally {
        await source.close();
      }
      const catalog = join(root, 'oracle-catalog.yaml');
      writeFileSync(
        catalog,
        readFileSync(DEMO_CATALOG, 'utf8').replace(/^(\s+table: )(\w+)$/gm, `$1${PREFIX}$2`),
      );
      const warehousePath = join(dir, 'warehouse.duckdb');
      [duck, ora] = await Promise.all([
        side(warehousePath, DEMO_CATALOG, {}),
        side(warehousePath, catalog, { WAREHOUSE_URL: url ?? '' }),
      ]);
    }, 900_000);

    afterAll(async () => {
      await Promise.all([duck.stack.stop(), ora.stack.stop()]);
      if (oracle) {
        await demo.dropDemoFromOracle(oracle, PREFIX);
        await oracle.close();
      }
      rmSync(root, { recursive: true, force: true });
    });

    it('GET /datasets: the same datasets, labels and partitions; row estimates within 10 %', async () => {
      const [d, o] = await both((api, token) => get(`${api}/datasets`, { token }));
      expect([o.status, d.status]).toEqual([200, 200]);
      type Summary = { rowEstimate: number };
      const strip = (r: ApiResponse) => r.json<Summary[]>().map((s) => ({ ...s, rowEstimate: undefined }));
      expect(strip(o)).toEqual(strip(d));
      o.json<Summary[]>().forEach(({ rowEstimate }, i) => {
        const expected = d.json<Summary[]>()[i]?.rowEstimate ?? 0;
        expect(Math.abs(rowEstimate - expected)).toBeLessThanOrEqual(expected * 0.1);
      });
    });

    it.each(['global_sales', 'employee_roster', 'products', 'customers'])(
      'GET /datasets/%s and its vintages: the same columns, types, nullability, joins and vintages',
      async (id) => {
        const [d, o] = await both((api, token) => get(`${api}/datasets/${id}`, { token }));
        expect(o.status).toBe(200);
        const strip = (r: ApiResponse) => ({ ...r.json<object>(), rowEstimate: undefined });
        expect(strip(o)).toEqual(strip(d));
        const [dv, ov] = await both((api, token) => get(`${api}/datasets/${id}/vintages`, { token }));
        expect([ov.status, ov.json()]).toEqual([dv.status, dv.json()]);
      },
    );

    it.each(GOLDEN)('%s: every preview page, the count and the CSV are the same', async (_name, query) => {
      const [d, o] = await Promise.all([
        allPages(duck.stack.urls.api, duck.token, query),
        allPages(ora.stack.urls.api, ora.token, query),
      ]);
      expect(comparable(o)).toEqual(comparable(d));

      const whole = { ...query, page: undefined }; // JSON leaves it out
      const [dc, oc] = await both((api, token) => post(`${api}/query/count`, whole, { token }));
      expect([oc.status, oc.json()]).toEqual([200, dc.json()]);

      const [dcsv, ocsv] = await both((api, token) => post(`${api}/query/csv`, whole, { token }));
      expect([ocsv.status, ocsv.headers.get('content-type')]).toEqual([
        200,
        dcsv.headers.get('content-type'),
      ]);
      expect(comparableCsv(ocsv.text)).toEqual(comparableCsv(dcsv.text));
    });

    it('UNKNOWN_COLUMN: the same problem, word for word', async () => {
      const [d, o] = await both((api, token) =>
        post(`${api}/query/preview`, { dataset: 'products', columns: ['name', 'no_such_column'] }, { token }),
      );
      expect(d.json()).toMatchObject({ status: 400, code: 'UNKNOWN_COLUMN' });
      expect([o.status, o.json()]).toEqual([d.status, d.json()]);
    });

    it('QUERY_TOO_EXPENSIVE over a tiny cost ceiling: the same problem (the detail quotes each engine’s estimate)', async () => {
      const [d, o] = await both(
        (api, token) => post(`${api}/query/preview`, { dataset: 'customers', columns: ['name'] }, { token }),
        true,
      );
      const strip = (r: ApiResponse) => ({ ...r.json<object>(), detail: undefined });
      expect(d.json()).toMatchObject({ status: 400, code: 'QUERY_TOO_EXPENSIVE' });
      expect([o.status, strip(o)]).toEqual([d.status, strip(d)]);
    });

    it('QUERY_TIMEOUT past a 100 ms deadline: the same problem', async () => {
      const explosion = {
        dataset: 'global_sales',
        vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
        joins: [
          {
            dataset: 'products',
            type: 'full',
            on: [{ left: 'global_sales.is_return', right: 'products.discontinued' }],
          },
          {
            dataset: 'employee_roster',
            type: 'full',
            on: [{ left: 'products.discontinued', right: 'employee_roster.is_active' }],
          },
        ],
        aggregate: {
          groupBy: [],
          measures: [
            { fn: 'count_distinct', column: 'employee_roster.full_name', as: 'people' },
            { fn: 'count', column: null, as: 'rows' },
          ],
        },
      };
      const [d, o] = await both((api, token) => post(`${api}/query/preview`, explosion, { token }), true);
      expect(d.json()).toMatchObject({ status: 504, code: 'QUERY_TIMEOUT' });
      expect([o.status, o.json()]).toEqual([d.status, d.json()]);
    });
  },
);

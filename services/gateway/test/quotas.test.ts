import {
  scrapeMetrics,
  startNats,
  startStack,
  type GatewayProcess,
  type RunningNats,
  type Stack,
} from '@aurora/testing';
import { expectProblem, fetchApi, get, post, type ApiResponse } from './support/http';
import { demoWarehouse, SALES_COLUMNS, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Quotas": each request that runs a query holds one of its user's QUOTA_CONCURRENT_QUERIES slots
 * until its response ends, on every gateway replica at once (leases in NATS KV); the next is 429 QUOTA_EXCEEDED.
 */

const ROWS = 200_000;
const LIMIT = 2;
const TTL_SECONDS = 3;
/** Every sale as CSV: tens of MiB, so a download the client stops reading stays open (and holds its slot). */
const EVERY_SALE = { dataset: 'global_sales', columns: SALES_COLUMNS };
const PRODUCTS = { dataset: 'products', columns: ['name'], page: { number: 1, size: 5 } };

let warehouse: TestWarehouse;
let nats: RunningNats;
let stack: Stack;
/** Two replicas sharing NATS: the stack's own gateway and `b`. */
let a: GatewayProcess;
let b: GatewayProcess;
let alice: string;
let carol: string;
const held: AbortController[] = [];

beforeAll(async () => {
  [warehouse, nats] = await Promise.all([demoWarehouse(ROWS), startNats()]);
  const quotas = {
    QUOTA_CONCURRENT_QUERIES: String(LIMIT),
    QUOTA_LEASE_TTL_SECONDS: String(TTL_SECONDS),
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  stack = await startStack({
    warehousePath: warehouse.path,
    catalogPath: warehouse.catalogWith((yaml) => yaml.replace('required: true', 'required: false')),
    nats,
    env: { gateway: quotas, query: { MAX_ROW_LIMIT: String(ROWS) } },
  });
  a = stack.gateway;
  b = await stack.startGateway({ ...quotas, ...nats.env('gateway') });
  [alice, carol] = await Promise.all([stack.token('alice-cli'), stack.token('carol-cli')]);
}, 180_000);

afterEach(async () => {
  for (const stop of held.splice(0)) stop.abort();
  await untilFree(a, alice);
});

afterAll(async () => {
  await stack.stop();
  await nats.remove();
  await warehouse.remove();
});

/** Starts a CSV download of every sale on `gateway`, reads its first bytes and stops reading: its query runs on. */
async function holdQuery(gateway: GatewayProcess, token = alice): Promise<AbortController> {
  const stop = new AbortController();
  held.push(stop);
  const response = await fetchApi(
    `${gateway.api}/query/csv`,
    { method: 'POST', body: JSON.stringify(EVERY_SALE) },
    { token, signal: stop.signal, headers: { 'content-type': 'application/json' } },
  );
  expect(response.status).toBe(200);
  const first = await response.body?.getReader().read();
  expect(first?.done).toBe(false);
  return stop;
}

const preview = (gateway: GatewayProcess, token = alice): Promise<ApiResponse> =>
  post(`${gateway.api}/query/preview`, PRODUCTS, { token });

interface Me {
  readonly quotas: Record<string, { used: number | null; limit: number | null; resetsAt?: string }>;
}

async function queriesInUse(gateway: GatewayProcess, token: string): Promise<number | null> {
  const me = await get(`${gateway.api}/me`, { token });
  expect(me.status).toBe(200);
  return me.json<Me>().quotas['concurrentQueries']?.used ?? null;
}

/** Waits until none of the user's slots is held (a release is one NATS write after the response ended). */
async function untilFree(gateway: GatewayProcess, token: string, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while ((await queriesInUse(gateway, token)) !== 0) {
    if (Date.now() - started > timeoutMs) throw new Error('the query slots were not freed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

function expectQueryQuotaRefusal(response: ApiResponse): void {
  const problem = expectProblem(response, 429, 'QUOTA_EXCEEDED', null);
  expect(problem).toMatchObject({
    quota: 'concurrentQueries',
    resetsAt: null,
    detail: `You already have ${LIMIT} queries running (your limit); try again when one finishes.`,
  });
  expect(response.headers.get('retry-after')).toBeNull(); // no time is known: it frees when one finishes
}

describe('concurrent queries per user', () => {
  it('refuses every kind of query past the limit, on either replica, and shows the use in /me', async () => {
    await holdQuery(a);
    await holdQuery(b);

    for (const gateway of [a, b]) {
      expectQueryQuotaRefusal(await preview(gateway));
      expectQueryQuotaRefusal(await post(`${gateway.api}/query/count`, PRODUCTS, { token: alice }));
      expectQueryQuotaRefusal(await post(`${gateway.api}/query/sql`, PRODUCTS, { token: alice }));
      expectQueryQuotaRefusal(await post(`${gateway.api}/query/csv`, PRODUCTS, { token: alice }));
      // Saved reports run queries too: refused before the report is even looked up.
      for (const route of ['preview', 'count', 'csv']) {
        expectQueryQuotaRefusal(await post(`${gateway.api}/reports/r-1/${route}`, {}, { token: alice }));
      }
    }
    const me = (await get(`${b.api}/me`, { token: alice })).json<Me>();
    expect(me.quotas['concurrentQueries']).toEqual({ used: LIMIT, limit: LIMIT });
    // Another user's slots are their own; reading the catalog is no query.
    expect((await preview(a, carol)).status).toBe(200);
    expect((await get(`${a.api}/datasets`, { token: alice })).status).toBe(200);
  });

  it('counts refusals by quota and the slots held on each replica, with no user label', async () => {
    const metrics = async (gateway: GatewayProcess) => scrapeMetrics(gateway.metricsUrl ?? '');
    const refusals = async (gateway: GatewayProcess) =>
      (await metrics(gateway))
        .get('aurora_quota_refusals_total')
        ?.samples.find((sample) => sample.labels['quota'] === 'concurrentQueries')?.value ?? 0;
    const held = async (gateway: GatewayProcess) =>
      (await metrics(gateway)).get('aurora_quota_query_slots_held')?.samples[0]?.value;

    await holdQuery(a);
    await holdQuery(b);
    const before = await refusals(b);
    expectQueryQuotaRefusal(await preview(b));
    expect(await refusals(b)).toBe(before + 1);
    expect([await held(a), await held(b)]).toEqual([1, 1]);
    const ratio = (await metrics(a)).get('aurora_quota_use_ratio');
    const labels = new Set(ratio?.samples.flatMap((sample) => Object.keys(sample.labels)));
    expect([...labels].sort()).toEqual(['le', 'quota', 'service']);
    expect(ratio?.samples.some((sample) => sample.labels['quota'] === 'concurrentQueries')).toBe(true);
  });

  it('frees the slot when the client goes away mid-download', async () => {
    const first = await holdQuery(a);
    await holdQuery(b);
    expectQueryQuotaRefusal(await preview(a));

    first.abort();
    await untilInUse(a, alice, LIMIT - 1);
    expect((await preview(b)).status).toBe(200);
  });

  it('frees the slot when the response ends, answered or refused', async () => {
    // One slot only, taken by a download: each request below needs the other one and gives it back.
    await holdQuery(a);
    const answers = [
      await preview(a),
      await post(`${b.api}/query/count`, PRODUCTS, { token: alice }),
      await post(`${a.api}/query/sql`, PRODUCTS, { token: alice }),
      await post(`${b.api}/query/csv`, PRODUCTS, { token: alice }),
      await post(`${a.api}/query/preview`, { dataset: 'products', columns: ['nope'] }, { token: alice }),
      await post(`${b.api}/reports/no-such-report/preview`, {}, { token: alice }), // no report store: 503
      await preview(b),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 400, 503, 200]);
    // The next query may go to the other replica as soon as the answer is in: the slot is free already there.
    const alternating = [];
    for (let i = 0; i < 20; i++) alternating.push((await preview(i % 2 ? a : b)).status);
    expect(alternating).toEqual(Array(20).fill(200));
    expect(await queriesInUse(a, alice)).toBe(1);
  });

  it("frees a dead replica's slots within the lease TTL", async () => {
    const doomed = await stack.startGateway({
      QUOTA_CONCURRENT_QUERIES: String(LIMIT),
      QUOTA_LEASE_TTL_SECONDS: String(TTL_SECONDS),
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...nats.env('gateway'),
    });
    await holdQuery(doomed);
    await holdQuery(doomed);
    expectQueryQuotaRefusal(await preview(a));

    process.kill(doomed.pid, 'SIGKILL'); // no release, no renewal
    const killed = Date.now();
    expectQueryQuotaRefusal(await preview(a));
    await untilFree(a, alice, 3 * TTL_SECONDS * 1000);
    expect(Date.now() - killed).toBeLessThanOrEqual(TTL_SECONDS * 1000 + 1_000);
    expect((await preview(a)).status).toBe(200);
  });
});

async function untilInUse(gateway: GatewayProcess, token: string, count: number): Promise<void> {
  const started = Date.now();
  while ((await queriesInUse(gateway, token)) !== count) {
    if (Date.now() - started > 5_000) throw new Error(`the slots in use did not come to ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { repoRoot } from '@aurora/config';
import {
  startNats,
  startPostgres,
  startS3,
  startSmtp,
  startStack,
  type RunningNats,
  type RunningPostgres,
  type RunningServer,
  type Stack,
  type TestSmtp,
} from '@aurora/testing';
import { NATS_NAMES } from '@aurora/nats-access';
import { connect, JSONCodec } from 'nats';
import { join } from 'node:path';
import { auditRecordOf, expectProblem, fetchApi, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Alerts" and "Notifications", end to end with PostgreSQL, NATS and an SMTP server: checks run as
 * the owner through the report path (the gateway's AlertRunner), fire once when the condition becomes true, stay
 * quiet while it holds, clear, and fire again; each transition lands in the bell, on the live stream and in a mail
 * with the numbers. The data an alert sees changes between checks by moving the report's pinned vintage.
 */

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let s3: RunningServer;
let smtp: TestSmtp;
let stack: Stack;
let api: string;
const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
type User = keyof typeof tokens;
const REGION = 'global_sales.region';

beforeAll(async () => {
  [warehouse, postgres, nats, s3, smtp] = await Promise.all([
    demoWarehouse(3_000),
    startPostgres(),
    startNats(),
    startS3('aurora-exports'),
    startSmtp(),
  ]);
  const s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: 'aurora-exports',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    nats,
    env: {
      // Checks come from run-now here; cron instants are the scheduler's, tested in services/metadata.
      metadata: {
        SCHEDULER_TICK_MS: '0',
        SMTP_PORT: String(smtp.port),
        DIRECTORY_PATH: join(repoRoot(), 'tools/dev-idp/directory.yaml'),
        PORTAL_URL: 'https://aurora.test',
        DELIVERY_SWEEP_MS: '200',
      },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', SCHEDULE_POLL_MS: '200', ...s3Env },
    },
  });
  api = stack.urls.api;
  for (const user of ['alice', 'bob', 'carol'] as const) tokens[user] = await stack.token(`${user}-cli`);
  const ready = Date.now() + 20_000;
  while ((await call('alice', 'GET', '/alerts')).status === 503 && Date.now() < ready)
    await new Promise((resolve) => setTimeout(resolve, 200));
}, 120_000);

afterAll(async () => {
  for (const stop of streams) stop.abort();
  await stack.stop();
  await smtp.close();
  await Promise.all([nats.remove(), postgres.remove(), s3.remove(), warehouse.remove()]);
});

function call(
  user: User,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return send(
    `${api}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    { token: tokens[user], headers: { 'content-type': 'application/json', ...headers } },
  );
}

/** The audit record of `action` by `user` on `target`, as carol (an audit reader) finds it. */
const auditRecord = (user: User, action: string, target: string) =>
  auditRecordOf(api, tokens.carol, { user, action, target });

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller says what it expects
function ok<T>(response: ApiResponse, status = 200): T {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.json<T>();
}

interface Value {
  row: Record<string, unknown> | null;
  measure: string;
  value: number | null;
  previous?: number | null;
  mean?: number | null;
  vintage: string | null;
}

interface Check {
  id: string;
  status: string;
  cause: string;
  transition: string | null;
  values: Value[];
  rowCount: number | null;
  finishedAt: string | null;
  error: { code: string; detail: string } | null;
}

interface Alert {
  id: string;
  version: number;
  state: string;
  lastCheck: Check | null;
  lastTriggeredAt: string | null;
}

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  alertId: string | null;
  values: Value[] | null;
  readAt: string | null;
}

const summary = {
  dataset: 'global_sales',
  aggregate: { groupBy: [REGION], measures: [{ fn: 'count', column: null, as: 'sales' }] },
};

function reportBody(loadId: string) {
  return {
    name: 'Sales by region, pinned',
    query: summary,
    vintages: { global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId } },
  };
}

/** The count of sales per region in one monthly vintage, as a preview of the same summary answers it. */
async function salesIn(loadId: string): Promise<Map<string, number>> {
  const page = ok<{ columns: { name: string }[]; rows: unknown[][] }>(
    await call('alice', 'POST', '/query/preview', {
      ...summary,
      vintages: { global_sales: { loadType: 'MONTHLY', loadId } },
    }),
  );
  const region = page.columns.findIndex((c) => c.name === REGION);
  const sales = page.columns.findIndex((c) => c.name === 'sales');
  return new Map(page.rows.map((row) => [String(row[region]), Number(row[sales])]));
}

/** Two vintages and a region whose count differs between them: `high` above `low`. */
async function movingRegion(): Promise<{
  region: string;
  high: string;
  low: string;
  highCount: number;
  lowCount: number;
}> {
  const vintages = ok<{ loadTypes: { loadType: string; loadIds: string[] }[] }>(
    await call('alice', 'GET', '/datasets/global_sales/vintages'),
  );
  const loadIds = vintages.loadTypes.find((t) => t.loadType === 'MONTHLY')?.loadIds ?? [];
  const [a, b] = loadIds;
  if (a === undefined || b === undefined)
    throw new Error('the demo data has fewer than two monthly vintages');
  const [countsA, countsB] = await Promise.all([salesIn(a), salesIn(b)]);
  for (const [region, inA] of countsA) {
    const inB = countsB.get(region) ?? 0;
    if (inA !== inB)
      return inA > inB
        ? { region, high: a, low: b, highCount: inA, lowCount: inB }
        : { region, high: b, low: a, highCount: inB, lowCount: inA };
  }
  throw new Error('no region moves between the two newest vintages');
}

async function checkNow(user: User, alertId: string): Promise<Check> {
  const queued = ok<Check>(await call(user, 'POST', `/alerts/${alertId}/run-now`), 202);
  expect(queued.status).toBe('queued');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const checks = ok<{ items: Check[] }>(await call(user, 'GET', `/alerts/${alertId}/runs`)).items;
    const check = checks.find((c) => c.id === queued.id);
    if (check?.finishedAt) return check;
    if (Date.now() > deadline) throw new Error(`check ${queued.id} did not end: ${JSON.stringify(check)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const streams: AbortController[] = [];

/** Opens the caller's notification stream; `events` fills as events arrive. */
async function openStream(user: User): Promise<{ events: { event: string; data: unknown }[] }> {
  const stop = new AbortController();
  streams.push(stop);
  const response = await fetchApi(
    `${api}/notifications/stream`,
    { method: 'GET' },
    { token: tokens[user], signal: stop.signal },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  void (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += chunk.value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch(() => undefined);
  return { events };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('fires once, stays quiet while true, clears, and fires again; to the bell, the stream and by mail', async () => {
  const moving = await movingRegion();
  const report = ok<{ id: string; version: number }>(
    await call('alice', 'POST', '/reports', reportBody(moving.low)),
    201,
  );
  let reportVersion = report.version;
  const pin = async (loadId: string) => {
    const saved = ok<{ version: number }>(
      await call('alice', 'PUT', `/reports/${report.id}`, reportBody(loadId), {
        'if-match': `"${reportVersion}"`,
      }),
    );
    reportVersion = saved.version;
  };
  const name = `Sales in ${moving.region} above ${moving.lowCount}`;
  const response = await call('alice', 'POST', '/alerts', {
    reportId: report.id,
    name,
    condition: {
      kind: 'threshold',
      measure: 'sales',
      op: '>',
      value: moving.lowCount,
      row: { [REGION]: moving.region },
    },
    trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
    deliveries: [{ email: { users: ['alice'], groups: [] } }],
  });
  const alert = ok<Alert>(response, 201);
  expect(response.headers.get('location')).toBe(`/api/v1/alerts/${alert.id}`);
  expect(response.headers.get('etag')).toBe('"1"');
  expect(alert).toMatchObject({ state: 'unknown', lastCheck: null, lastTriggeredAt: null });
  const stream = await openStream('alice');
  const before = ok<{ unread: number }>(await call('alice', 'GET', '/notifications')).unread;

  // The low vintage: not above the threshold. Unknown → ok is no news.
  const quiet = await checkNow('alice', alert.id);
  expect(quiet).toMatchObject({ status: 'ok', transition: null, cause: 'manual', error: null });
  expect(quiet.values).toEqual([
    expect.objectContaining({
      row: { [REGION]: moving.region },
      measure: 'sales',
      value: moving.lowCount,
      vintage: moving.low,
    }),
  ]);

  await pin(moving.high);
  const fired = await checkNow('alice', alert.id);
  expect(fired).toMatchObject({ status: 'triggered', transition: 'fired' });
  expect(fired.values).toEqual([
    expect.objectContaining({
      row: { [REGION]: moving.region },
      value: moving.highCount,
      vintage: moving.high,
    }),
  ]);
  const still = await checkNow('alice', alert.id);
  expect(still).toMatchObject({ status: 'triggered', transition: null });

  await pin(moving.low);
  const cleared = await checkNow('alice', alert.id);
  expect(cleared).toMatchObject({ status: 'ok', transition: 'cleared' });

  await pin(moving.high);
  const again = await checkNow('alice', alert.id);
  expect(again).toMatchObject({ status: 'triggered', transition: 'fired' });

  const read = ok<Alert>(await call('alice', 'GET', `/alerts/${alert.id}`));
  expect(read).toMatchObject({ state: 'triggered', lastCheck: { id: again.id } });
  expect(read.lastTriggeredAt).not.toBeNull();

  // Three transitions, three notifications: newest first, each linking to the report.
  const page = ok<{ items: Notification[]; unread: number; nextCursor: string | null }>(
    await call('alice', 'GET', '/notifications?unread=true'),
  );
  const mine = page.items.filter((n) => n.alertId === alert.id);
  expect(mine.map((n) => n.kind)).toEqual(['alert.fired', 'alert.cleared', 'alert.fired']);
  expect(page.unread).toBe(before + 3);
  expect(mine[0]).toMatchObject({ title: `${name} fired`, link: `/reports/${report.id}`, readAt: null });
  expect(mine[0]?.body).toContain(
    `sales ${moving.highCount.toLocaleString('en-US')} > ${moving.lowCount.toLocaleString('en-US')}`,
  );
  expect(mine[0]?.values?.[0]).toMatchObject({ value: moving.highCount });

  // The same three on the live stream, as they were created.
  const live = await until('three notifications on the stream', () => {
    const found = stream.events.filter((e) => e.event === 'notification');
    return found.length >= 3 ? found : undefined;
  });
  expect(live.map((e) => (e.data as Notification).id)).toEqual(mine.map((n) => n.id).reverse());

  // A mail per transition, with the numbers and the portal link to the report.
  const mails = await until('three alert mails', () => {
    const found = smtp.mails.filter((m) => m.subject.includes(name));
    return found.length >= 3 ? found : undefined;
  });
  expect(mails.map((m) => m.subject)).toEqual([
    `Aurora alert: "${name}" fired`,
    `Aurora alert: "${name}" cleared`,
    `Aurora alert: "${name}" fired`,
  ]);
  expect(mails[0]?.to).toEqual(['alice@aurora.localhost']);
  expect(mails[0]?.text).toContain(
    `${REGION} = ${moving.region}: sales ${moving.highCount.toLocaleString('en-US')}`,
  );
  expect(mails[0]?.text).toContain(`https://aurora.test/reports/${report.id}`);

  // Marked read one by one, then all.
  const first = mine[0];
  if (!first) throw new Error('no notification');
  expect(
    ok<Notification>(await call('alice', 'POST', `/notifications/${first.id}/read`)).readAt,
  ).not.toBeNull();
  expect(ok<{ updated: number }>(await call('alice', 'POST', '/notifications/read-all')).updated).toBe(
    before + 2,
  );
  expect(
    ok<{ unread: number; items: unknown[] }>(await call('alice', 'GET', '/notifications?unread=true')),
  ).toMatchObject({
    unread: 0,
    items: [],
  });
  expectProblem(await call('bob', 'POST', `/notifications/${first.id}/read`), 404, 'NOT_FOUND');
}, 120_000);

describe('an alert', () => {
  let reportId: string;
  const body = (overrides: Record<string, unknown> = {}) => ({
    reportId,
    name: 'Many regions',
    condition: { kind: 'rowCount', op: '>', value: 1 },
    trigger: { onVintage: true },
    ...overrides,
  });

  beforeAll(async () => {
    reportId = ok<{ id: string }>(
      await call('alice', 'POST', '/reports', {
        name: 'Latest sales by region',
        query: summary,
        vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
      }),
      201,
    ).id;
  });

  it('is its owner’s alone: anyone else gets 404', async () => {
    const alert = ok<Alert>(await call('alice', 'POST', '/alerts', body()), 201);
    expectProblem(await call('bob', 'GET', `/alerts/${alert.id}`), 404, 'NOT_FOUND');
    expectProblem(await call('bob', 'POST', `/alerts/${alert.id}/run-now`), 404, 'NOT_FOUND');
    expectProblem(await call('bob', 'GET', `/alerts/${alert.id}/runs`), 404, 'NOT_FOUND');
    expectProblem(await call('bob', 'DELETE', `/alerts/${alert.id}`), 404, 'NOT_FOUND');
    expectProblem(
      await call('bob', 'PUT', `/alerts/${alert.id}`, body(), { 'if-match': '"1"' }),
      404,
      'NOT_FOUND',
    );
    expect(ok<{ items: Alert[] }>(await call('bob', 'GET', '/alerts')).items.map((a) => a.id)).not.toContain(
      alert.id,
    );
    expect(ok<{ items: Alert[] }>(await call('alice', 'GET', '/alerts')).items.map((a) => a.id)).toContain(
      alert.id,
    );
  });

  it('updates with a current If-Match only, and pauses and resumes', async () => {
    const alert = ok<Alert>(await call('alice', 'POST', '/alerts', body()), 201);
    expectProblem(await call('alice', 'PUT', `/alerts/${alert.id}`, body()), 428, 'PRECONDITION_REQUIRED');
    const updated = ok<Alert>(
      await call('alice', 'PUT', `/alerts/${alert.id}`, body({ name: 'Renamed' }), { 'if-match': '"1"' }),
    );
    expect(updated).toMatchObject({ version: 2, name: 'Renamed' });
    expectProblem(
      await call('alice', 'PUT', `/alerts/${alert.id}`, body(), { 'if-match': '"1"' }),
      412,
      'EDIT_CONFLICT',
    );
    expect(ok<{ paused: boolean }>(await call('alice', 'POST', `/alerts/${alert.id}/pause`)).paused).toBe(
      true,
    );
    expect(ok<{ paused: boolean }>(await call('alice', 'POST', `/alerts/${alert.id}/resume`)).paused).toBe(
      false,
    );
    ok(await call('alice', 'DELETE', `/alerts/${alert.id}`));
    expectProblem(await call('alice', 'GET', `/alerts/${alert.id}`), 404, 'NOT_FOUND');
  });

  it('refuses bad bodies with 400 at the path of the problem', async () => {
    const listing = ok<{ id: string }>(
      await call('alice', 'POST', '/reports', {
        name: 'A listing',
        query: { dataset: 'global_sales', columns: [REGION] },
        vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
      }),
      201,
    ).id;
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ condition: { kind: 'threshold', measure: 'sales', op: '=', value: 1 } }, 'condition.op'],
      [{ condition: { kind: 'outlier', measure: 'sales', vintages: 40, zScore: 3 } }, 'condition.vintages'],
      [{ trigger: { cron: 'every day', timeZone: 'Europe/Berlin' } }, 'trigger.cron'],
      [{ reportId: listing }, 'reportId'],
    ];
    for (const [overrides, path] of cases)
      expectProblem(await call('alice', 'POST', '/alerts', body(overrides)), 400, 'INVALID_QUERY', path);
    expectProblem(await call('alice', 'GET', '/notifications?limit=0'), 400, 'INVALID_QUERY', 'limit');
  });

  it("fails a check with DATASET_FORBIDDEN when its owner may not read the report's data", async () => {
    // Alice shares her report with Bob, who may not read global_sales: he may set an alert, not see its data.
    ok(await call('alice', 'PUT', `/reports/${reportId}/shares`, [{ user: 'bob', role: 'view' }]));
    const alert = ok<Alert>(await call('bob', 'POST', '/alerts', body()), 201);
    const check = await checkNow('bob', alert.id);
    expect(check).toMatchObject({
      status: 'failed',
      transition: null,
      values: [],
      error: { code: 'DATASET_FORBIDDEN' },
    });
    expect(ok<Alert>(await call('bob', 'GET', `/alerts/${alert.id}`)).state).toBe('unknown');
    expect(await auditRecord('bob', 'alert.evaluate', alert.id)).toMatchObject({
      outcome: 'refused',
      errorCode: 'DATASET_FORBIDDEN',
      rows: 0,
      detail: { runner: 'alert-runner', checkId: check.id },
    });
  });
});

it('reads earlier vintages as the owner for change and outlier conditions', async () => {
  const vintages = ok<{ loadTypes: { loadType: string; loadIds: string[] }[] }>(
    await call('alice', 'GET', '/datasets/global_sales/vintages'),
  );
  const loadIds = vintages.loadTypes.find((t) => t.loadType === 'MONTHLY')?.loadIds ?? [];
  expect(loadIds.length).toBeGreaterThanOrEqual(4);
  const counts = await Promise.all(loadIds.slice(0, 4).map((loadId) => salesIn(loadId)));
  const [latest, ...before] = counts;
  const reportId = ok<{ id: string }>(
    await call('alice', 'POST', '/reports', {
      name: 'Latest sales by region, for changes',
      query: summary,
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    }),
    201,
  ).id;
  const region = [...(latest?.keys() ?? [])][0] ?? '';
  const change = ok<Alert>(
    await call('alice', 'POST', '/alerts', {
      reportId,
      name: 'Sales moved',
      condition: {
        kind: 'change',
        measure: 'sales',
        against: 'previousVintage',
        percent: 1_000_000,
        direction: 'either',
        row: { [REGION]: region },
      },
      trigger: { onVintage: true },
    }),
    201,
  );
  const changed = await checkNow('alice', change.id);
  const now = latest?.get(region) ?? 0;
  const previous = before[0]?.get(region) ?? 0;
  expect(changed).toMatchObject({ status: 'ok', error: null });
  expect(changed.values).toEqual([
    expect.objectContaining({ row: { [REGION]: region }, value: now, previous, vintage: loadIds[0] }),
  ]);

  const outlier = ok<Alert>(
    await call('alice', 'POST', '/alerts', {
      reportId,
      name: 'Sales unusual',
      condition: { kind: 'outlier', measure: 'sales', vintages: 3, zScore: 100, row: { [REGION]: region } },
      trigger: { onVintage: true },
    }),
    201,
  );
  // The check's reads are in alice's audit trail as her own reads are: the latest summary and the one before it.
  const record = await auditRecord('alice', 'alert.evaluate', change.id);
  expect(record).toMatchObject({
    actor: { sub: 'alice' },
    route: null,
    clientAddress: null,
    datasets: ['global_sales'],
    outcome: 'ok',
    rows: (latest?.size ?? 0) + (before[0]?.size ?? 0),
    detail: { runner: 'alert-runner', alertId: change.id, checkId: changed.id },
  });

  const history = before.map((c) => c.get(region) ?? 0);
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const checked = await checkNow('alice', outlier.id);
  expect(checked.error).toBeNull();
  expect(checked.values[0]?.mean).toBeCloseTo(mean, 5);
});

it('streams a new vintage only to callers who may view its dataset', async () => {
  const [alices, bobs] = await Promise.all([openStream('alice'), openStream('bob')]);
  // As the metadata service announces an arrival: the metadata user may publish the subject.
  const connection = await connect(nats.connectOptions('metadata'));
  try {
    const arrival = {
      dataset: 'global_sales',
      loadType: 'MONTHLY',
      loadId: '2099-01-31',
      arrivedAt: new Date().toISOString(),
    };
    const event = await until("the vintage on alice's stream", () => {
      connection.publish(
        NATS_NAMES.vintageArrivedSubject,
        JSONCodec().encode({ type: 'io.aurora.vintage.arrived', data: arrival }),
      );
      return alices.events.find((e) => e.event === 'vintage');
    });
    expect(event.data).toEqual(arrival);
    // Bob may not read global_sales: his stream, open all along, heard nothing of it (given time to).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobs.events.filter((e) => e.event === 'vintage')).toEqual([]);
  } finally {
    await connection.close();
  }
});

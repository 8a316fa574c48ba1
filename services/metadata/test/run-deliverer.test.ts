import { Deliveries, InMemoryDirectory, type DeliveryConfig } from '@aurora/deliveries';
import type { Principal } from '@aurora/proto';
import { parseScheduleBody, type StoredDelivery } from '@aurora/query-model';
import { freePort, startPostgres, startSmtp, type RunningPostgres, type TestSmtp } from '@aurora/testing';
import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { AppDatabase } from '../src/reports/app-database';
import { RunDeliverer } from '../src/schedules/run-deliverer';
import { Scheduler } from '../src/schedules/scheduler';
import { SchedulesStore } from '../src/schedules/schedules.store';
import { insertReport } from './support/documents';

/**
 * docs/API.md, "Deliveries": a finished run is delivered to each of its schedule's targets once, across replicas,
 * with each outcome in the run's history; on a real PostgreSQL and a real SMTP server.
 */

const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['analysts'] };
const nobody: Principal = { sub: 'nobody', name: 'No Address', groups: [] };
const directory = new InMemoryDirectory([
  { id: 'alice', email: 'alice@aurora.localhost', groups: ['analysts'] },
  { id: 'bob', email: 'bob@aurora.localhost', groups: ['analysts'] },
]);

let postgres: RunningPostgres;
let database: AppDatabase;
let smtp: TestSmtp;
let clock: Date;
const now = () => clock;
const store = () => new SchedulesStore(database, now);
const scheduler = () => new Scheduler(database, now);

function config(smtpPort: number): DeliveryConfig {
  return {
    smtp: {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      requireTls: false,
      from: 'Aurora <a@x.test>',
      timeoutMs: 2000,
    },
    attachMaxBytes: 1_000_000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    webhook: {
      allowedHosts: [],
      internalHosts: [],
      allowHttp: false,
      timeoutMs: 1000,
      responseMaxBytes: 4096,
    },
  };
}

function deliverer(smtpPort = smtp.port, leaseMs = 60_000): RunDeliverer {
  const deliveries = new Deliveries({ config: config(smtpPort), directory, registry: new Registry() });
  return new RunDeliverer(database, deliveries, directory, {
    portalUrl: 'https://portal.test/',
    leaseMs,
    now,
  });
}

beforeAll(async () => {
  [postgres, smtp] = await Promise.all([startPostgres(), startSmtp()]);
  database = new AppDatabase({ url: postgres.databaseUrl, poolMax: 6 });
  await database.migrate();
}, 60_000);

afterAll(async () => {
  await database.close();
  await smtp.close();
  await postgres.remove();
});

beforeEach(async () => {
  await database.db.deleteFrom('reports').execute();
  smtp.mails.length = 0;
  clock = new Date('2027-03-22T07:00:00Z');
});

async function schedule(owner: Principal, deliveries: unknown[]) {
  const id = await insertReport(database, owner, clock);
  const body = parseScheduleBody({ reportId: id, format: 'csv', trigger: { onVintage: true }, deliveries });
  return store().create(owner, body, 'global_sales');
}

/** A run of the schedule that ended as its export did. */
async function succeededRun(owner: Principal, scheduleId: string): Promise<string> {
  const run = await store().runNow(owner, scheduleId);
  await scheduler().exportStarted(run.id, 'b1c2d3e4-0000-4000-8000-000000000001');
  await scheduler().finish(run.id, {
    status: 'succeeded',
    rows: 3,
    file: { name: 'daily-sales.csv', bytes: 42 },
  });
  return run.id;
}

async function history(owner: Principal, scheduleId: string, runId: string) {
  return (await store().runs(owner, scheduleId)).find((run) => run.id === runId)?.deliveries;
}

describe('a finished run', () => {
  it('is mailed once to each address of its users and groups, with the portal link, and recorded', async () => {
    const created = await schedule(alice, [{ email: { users: ['alice'], groups: ['analysts'] } }]);
    const runId = await succeededRun(alice, created.id);
    expect(await history(alice, created.id, runId)).toEqual([
      { kind: 'email', target: 'users alice; groups analysts', status: 'pending', attempts: 0, reason: null },
    ]);
    const sender = deliverer();
    sender.deliverRun(runId);
    await sender.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['alice@aurora.localhost', 'bob@aurora.localhost']);
    expect(smtp.mails[0]?.text).toContain('https://portal.test/exports/b1c2d3e4-0000-4000-8000-000000000001');
    expect(smtp.mails[0]?.text).toContain('daily-sales.csv');
    expect(await history(alice, created.id, runId)).toEqual([
      {
        kind: 'email',
        target: 'users alice; groups analysts',
        status: 'delivered',
        attempts: 1,
        reason: null,
      },
    ]);
  });

  it('is delivered once however many replicas deliver and sweep at the same time', async () => {
    const created = await schedule(alice, [{ email: { users: ['alice'], groups: [] } }]);
    const runId = await succeededRun(alice, created.id);
    const replicas = [deliverer(), deliverer(), deliverer()];
    for (const replica of replicas) replica.deliverRun(runId);
    await Promise.all(replicas.map((replica) => replica.sweep()));
    await Promise.all(replicas.map((replica) => replica.idle()));
    await Promise.all(replicas.map((replica) => replica.sweep()));
    expect(smtp.mails).toHaveLength(1);
  });

  it("is taken again after a dead replica's lease, and never sent again once recorded", async () => {
    const created = await schedule(alice, [{ email: { users: ['alice'], groups: [] } }]);
    const runId = await succeededRun(alice, created.id);
    // A replica claimed it and died before sending.
    await database.db
      .updateTable('schedule_run_deliveries')
      .set({ claimed_at: clock })
      .where('run_id', '=', runId)
      .execute();
    const survivor = deliverer(smtp.port, 60_000);
    await survivor.sweep();
    expect(smtp.mails).toHaveLength(0);
    clock = new Date(clock.getTime() + 61_000);
    await survivor.sweep();
    expect(smtp.mails).toHaveLength(1);
    clock = new Date(clock.getTime() + 3_600_000);
    await survivor.sweep();
    expect(smtp.mails).toHaveLength(1);
  });

  it('fails its delivery with the reason, after the retries, when the SMTP server is down', async () => {
    const created = await schedule(alice, [{ email: { users: ['alice'], groups: [] } }]);
    const runId = await succeededRun(alice, created.id);
    const sender = deliverer(await freePort());
    sender.deliverRun(runId);
    await sender.idle();
    const [outcome] = (await history(alice, created.id, runId)) ?? [];
    expect(outcome).toMatchObject({ kind: 'email', status: 'failed', attempts: 3 });
    expect(outcome?.reason).toMatch(/ECONNREFUSED|connect/i);
  });

  it('refuses a webhook outside the allow-list without a request, and says why', async () => {
    let requests = 0;
    const receiver = createServer((_, response) => {
      requests += 1;
      response.writeHead(204).end();
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    try {
      const created = await schedule(alice, [{ webhook: { url: `https://127.0.0.1:${port}/hook` } }]);
      const runId = await succeededRun(alice, created.id);
      const sender = deliverer();
      sender.deliverRun(runId);
      await sender.idle();
      const [outcome] = (await history(alice, created.id, runId)) ?? [];
      expect(outcome).toMatchObject({
        kind: 'webhook',
        status: 'failed',
        target: `https://127.0.0.1:${port}/hook`,
      });
      expect(outcome?.reason).toMatch(/WEBHOOK_ALLOWED_HOSTS|allow/i);
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('a run that failed because its owner lost access', () => {
  it('is mailed to the owner with the reason, besides its own deliveries', async () => {
    const created = await schedule(alice, []);
    const run = await store().runNow(alice, created.id);
    const detail = 'You may not read the dataset global_sales.';
    await scheduler().finish(run.id, { status: 'failed', error: { code: 'DATASET_FORBIDDEN', detail } });
    const sender = deliverer();
    sender.deliverRun(run.id);
    await sender.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['alice@aurora.localhost']);
    expect(smtp.mails[0]?.text).toContain(detail);
    expect(await history(alice, created.id, run.id)).toEqual([
      expect.objectContaining({
        kind: 'email',
        target: 'owner alice (run failed: no access)',
        status: 'delivered',
      }),
    ]);
  });

  it('is not a notice when the export job disappeared (NOT_FOUND after the run became an export)', async () => {
    const created = await schedule(alice, []);
    const run = await store().runNow(alice, created.id);
    await scheduler().exportStarted(run.id, 'b1c2d3e4-0000-4000-8000-000000000002');
    await scheduler().finish(run.id, {
      status: 'failed',
      error: { code: 'NOT_FOUND', detail: 'The export job is gone.' },
    });
    expect(await history(alice, created.id, run.id)).toEqual([]);
  });

  it('is not mailed when the owner has no address', async () => {
    const created = await schedule(nobody, []);
    const run = await store().runNow(nobody, created.id);
    await scheduler().finish(run.id, { status: 'failed', error: { code: 'NOT_FOUND', detail: 'gone' } });
    const sender = deliverer();
    sender.deliverRun(run.id);
    await sender.idle();
    expect(smtp.mails).toHaveLength(0);
    expect((await history(nobody, created.id, run.id))?.[0]).toMatchObject({ status: 'failed', attempts: 0 });
  });
});

describe("a schedule's webhook secret", () => {
  const secretOf = (deliveries: readonly StoredDelivery[], url: string) =>
    deliveries.flatMap((d) => ('webhook' in d && d.webhook.url === url ? [d.webhook.secret] : []))[0];

  it('is made by the server, kept while the URL stays, and new for a new URL', async () => {
    const created = await schedule(alice, [{ webhook: { url: 'https://a.example/hook' } }]);
    const first = secretOf(created.deliveries, 'https://a.example/hook');
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = (urls: string[]) =>
      parseScheduleBody({
        reportId: created.target.id,
        format: 'csv',
        trigger: { onVintage: true },
        deliveries: urls.map((url) => ({ webhook: { url } })),
      });
    const kept = await store().update(
      alice,
      created.id,
      1,
      body(['https://b.example/hook', 'https://a.example/hook']),
      'global_sales',
    );
    expect(secretOf(kept.deliveries, 'https://a.example/hook')).toBe(first);
    const other = secretOf(kept.deliveries, 'https://b.example/hook');
    expect(other).toMatch(/^whsec_/);
    expect(other).not.toBe(first);
  });
});

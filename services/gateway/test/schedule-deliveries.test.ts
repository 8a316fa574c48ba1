import { repoRoot } from '@aurora/config';
import {
  createTestCa,
  freePort,
  startExportWorker,
  startNats,
  startPostgres,
  startMetadata,
  startS3,
  startStack,
  type ExportWorkerProcess,
  type RunningNats,
  type RunningPostgres,
  type RunningServer,
  type Stack,
  type TestCa,
  startSmtp,
  type TestSmtp,
} from '@aurora/testing';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Deliveries", end to end: run-now → the export job completes → the metadata service mails the run
 * to the schedule's users (through the dev directory file) with the portal link and the file attached, and posts a signed webhook that
 * verifies with the secret the schedule answered.
 */

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let s3: RunningServer;
let stack: Stack;
let worker: ExportWorkerProcess;
let smtp: TestSmtp;
let ca: TestCa;
let receiver: Server;
let receiverPort: number;
const received: { body: string; headers: Record<string, string> }[] = [];
let api: string;
let token: string;
let s3Env: Record<string, string>;
/** The metadata service's delivery settings, the same on every replica. */
let metadataEnv: Record<string, string>;

beforeAll(async () => {
  ca = createTestCa('aurora-webhook-ca');
  const cert = ca.issue('receiver', { usages: ['serverAuth'] });
  receiverPort = await freePort();
  receiver = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers as Record<string, string>,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  [warehouse, postgres, nats, s3, smtp] = await Promise.all([
    demoWarehouse(2_000),
    startPostgres(),
    startNats(),
    startS3('aurora-exports'),
    startSmtp(),
  ]);
  s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: 'aurora-exports',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  metadataEnv = {
    SCHEDULER_TICK_MS: '0',
    // Where it reads the files it attaches.
    ...s3Env,
    SMTP_PORT: String(smtp.port),
    DIRECTORY_PATH: join(repoRoot(), 'tools/dev-idp/directory.yaml'),
    PORTAL_URL: 'https://aurora.test',
    DELIVERY_BACKOFF_MS: '10',
    DELIVERY_BACKOFF_MAX_MS: '50',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_INTERNAL_HOSTS: '127.0.0.1',
    // The receiver's certificate is the test CA's.
    NODE_EXTRA_CA_CERTS: ca.cert,
    // Replicas sweep often here, to race for each other's deliveries.
    DELIVERY_SWEEP_MS: '50',
  };
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    nats,
    env: {
      metadata: metadataEnv,
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', SCHEDULE_POLL_MS: '200', ...s3Env },
    },
  });
  worker = await startExportWorker({
    ...nats.env('export-worker'),
    QUERY_GRPC_ADDRESS: stack.urls.query,
    ...s3Env,
  });
  api = stack.urls.api;
  token = await stack.token('alice-cli');
  // On a loaded machine the gateway's first call to a just-started metadata service can meet a gRPC channel
  // still connecting (503, "try again"): the tests start once the schedules answer.
  const ready = Date.now() + 20_000;
  while ((await call('GET', '/schedules')).status === 503 && Date.now() < ready)
    await new Promise((resolve) => setTimeout(resolve, 200));
}, 120_000);

afterAll(async () => {
  await worker.stop();
  await stack.stop();
  await smtp.close();
  await new Promise((resolve) => receiver.close(resolve));
  ca.remove();
  await Promise.all([nats.remove(), postgres.remove(), s3.remove(), warehouse.remove()]);
});

function call(method: string, path: string, body?: unknown) {
  return send(
    `${api}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    { token, headers: { 'content-type': 'application/json' } },
  );
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller says what it expects
function ok<T>(response: ApiResponse, status = 200): T {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.json<T>();
}

interface RunDelivery {
  kind: string;
  target: string;
  status: string;
  attempts: number;
  reason: string | null;
}

interface Run {
  id: string;
  status: string;
  exportId: string | null;
  finishedAt: string | null;
  error: unknown;
  deliveries: RunDelivery[];
}

/** The run once it has ended and none of its deliveries is pending. */
async function delivered(scheduleId: string, runId: string): Promise<Run> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const runs = ok<{ items: Run[] }>(await call('GET', `/schedules/${scheduleId}/runs`)).items;
    const run = runs.find((r) => r.id === runId);
    if (run?.finishedAt && run.deliveries.length > 0 && run.deliveries.every((d) => d.status !== 'pending'))
      return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} not delivered: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('mails a run to its users with the portal link and posts a webhook signed with the returned secret', async () => {
  const reportId = ok<{ id: string }>(
    await call('POST', '/reports', {
      name: 'Sales by region',
      query: {
        dataset: 'global_sales',
        aggregate: {
          groupBy: ['global_sales.region'],
          measures: [{ fn: 'count', column: null, as: 'sales' }],
        },
      },
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    }),
    201,
  ).id;
  const hook = `https://127.0.0.1:${receiverPort}/aurora`;
  const outside = 'https://hooks.example.com/aurora';
  const schedule = ok<{ id: string; deliveries: { webhook?: { url: string; secret: string } }[] }>(
    await call('POST', '/schedules', {
      reportId,
      format: 'csv',
      trigger: { onVintage: true },
      deliveries: [
        { email: { users: ['alice'], groups: ['hr'], attach: true } },
        { webhook: { url: hook } },
        { webhook: { url: outside } },
      ],
    }),
    201,
  );
  const secret = schedule.deliveries[1]?.webhook?.secret ?? '';
  expect(secret).toMatch(/^whsec_/);

  const queued = ok<{ id: string }>(await call('POST', `/schedules/${schedule.id}/run-now`), 202);
  const run = await delivered(schedule.id, queued.id);
  expect(run).toMatchObject({ status: 'succeeded', error: null });
  const link = `https://aurora.test/exports/${run.exportId ?? ''}`;

  expect(run.deliveries).toEqual([
    { kind: 'email', target: 'users alice; groups hr', status: 'delivered', attempts: 1, reason: null },
    { kind: 'webhook', target: hook, status: 'delivered', attempts: 1, reason: null },
    expect.objectContaining({ kind: 'webhook', target: outside, status: 'failed', attempts: 0 }),
  ]);
  expect(run.deliveries[2]?.reason).toMatch(/allow/i);

  // Alice, and Bob through the group hr: one mail, both as Bcc.
  expect(smtp.mails).toHaveLength(1);
  expect(smtp.mails[0]?.to).toEqual(['alice@aurora.localhost', 'bob@aurora.localhost']);
  expect(smtp.mails[0]?.subject).toContain('Sales by region');
  expect(smtp.mails[0]?.text).toContain(link);
  // attach: true, and the file is far below the cap: the CSV itself, one line per region and the header.
  const [file] = smtp.mails[0]?.attachments ?? [];
  expect(file?.filename).toMatch(/\.csv$/);
  const lines = file?.content.toString('utf8').trim().split(/\r?\n/) ?? [];
  expect(lines[0]).toContain('sales');
  expect(lines.length).toBeGreaterThan(1);

  expect(received).toHaveLength(1);
  const payload = new Webhook(secret).verify(received[0]?.body ?? '', received[0]?.headers ?? {}) as {
    data: { runId: string; status: string; link: string };
  };
  expect(payload.data).toMatchObject({ runId: run.id, status: 'succeeded', link });
}, 60_000);

it('mails each run once with two metadata replicas, each behind its own gateway, all sweeping', async () => {
  const replica = await startMetadata(
    warehouse.path,
    join(repoRoot(), 'services/metadata/catalog/demo.yaml'),
    {
      ...metadataEnv,
      DATABASE_URL: postgres.databaseUrl,
    },
  );
  const gateway = await stack.startGateway({
    ...nats.env('gateway'),
    METADATA_GRPC_ADDRESS: replica.address,
    RATE_LIMIT_PER_MINUTE: '100000000',
    SCHEDULE_POLL_MS: '200',
    ...s3Env,
  });
  try {
    smtp.mails.length = 0;
    const reportId = ok<{ id: string }>(
      await call('POST', '/reports', {
        name: 'Twice',
        query: {
          dataset: 'global_sales',
          aggregate: { groupBy: ['global_sales.region'], measures: [{ fn: 'count', column: null, as: 'n' }] },
        },
        vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
      }),
      201,
    ).id;
    const schedule = ok<{ id: string }>(
      await call('POST', '/schedules', {
        reportId,
        format: 'csv',
        trigger: { onVintage: true },
        deliveries: [{ email: { users: ['carol'], groups: [] } }],
      }),
      201,
    );
    // Three runs, queued through either replica; both gateways' runners finish them through their own.
    const runs: string[] = [];
    for (const base of [api, gateway.api, api]) {
      const response = await send(`${base}/schedules/${schedule.id}/run-now`, { method: 'POST' }, { token });
      runs.push(ok<{ id: string }>(response, 202).id);
      await delivered(schedule.id, runs[runs.length - 1] ?? '');
    }
    // Sweeps of both replicas keep running meanwhile: nothing may be sent twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails).toHaveLength(3);
    expect(smtp.mails.every((mail) => mail.to.join() === 'carol@aurora.localhost')).toBe(true);
  } finally {
    await gateway.stop();
    await replica.stop();
  }
}, 90_000);

it('serves a scheduled run’s file to a recipient only on their own rights, and hides it from anyone else', async () => {
  const reportId = ok<{ id: string }>(
    await call('POST', '/reports', {
      name: 'Regions for the team',
      query: {
        dataset: 'global_sales',
        aggregate: { groupBy: ['global_sales.region'], measures: [{ fn: 'count', column: null, as: 'n' }] },
      },
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    }),
    201,
  ).id;
  // carol (admins) may read global_sales with no row policy; bob (hr) may not read it at all; dave (sales-emea)
  // is not a recipient.
  const schedule = ok<{ id: string }>(
    await call('POST', '/schedules', {
      reportId,
      format: 'csv',
      trigger: { onVintage: true },
      deliveries: [{ email: { users: ['carol'], groups: ['hr'] } }],
    }),
    201,
  );
  const queued = ok<{ id: string }>(await call('POST', `/schedules/${schedule.id}/run-now`), 202);
  const run = await delivered(schedule.id, queued.id);
  expect(run.status).toBe('succeeded');
  const exportId = run.exportId ?? '';
  const as = async (user: string, path: string, accept = 'application/json') =>
    send(
      `${api}${path}`,
      { method: 'GET' },
      { token: await stack.token(`${user}-cli`), headers: { accept } },
    );
  const fileOf = async (response: ApiResponse) => {
    const { url } = ok<{ url: string }>(response);
    const file = await fetch(url);
    expect(file.status).toBe(200);
    return file.text();
  };

  // The owner: the job names where it came from.
  const mine = ok<{ fileName: string; rowsWritten: number; source: unknown }>(
    await call('GET', `/exports/${exportId}`),
  );
  expect(mine.source).toEqual({
    runId: run.id,
    scheduleId: schedule.id,
    reportId,
    reportName: 'Regions for the team',
    ownerName: 'Alice Analyst',
  });
  const ownersFile = await fileOf(await as('alice', `/exports/${exportId}/download`));

  // carol, before the report is shared with her: she may read the data, but not the report.
  const unshared = await as('carol', `/exports/${exportId}`);
  expect(unshared.status).toBe(403);
  expect(unshared.json<{ code: string; detail: string }>()).toMatchObject({ code: 'FORBIDDEN' });
  expect(unshared.json<{ detail: string }>().detail).toMatch(/not shared with you/);

  ok(
    await call('PUT', `/reports/${reportId}/shares`, [
      { user: 'carol', role: 'view' },
      { group: 'hr', role: 'view' },
    ]),
  );
  const carols = ok<{ id: string; fileName: string; rowsWritten: number; source: { reportId: string } }>(
    await as('carol', `/exports/${exportId}`),
  );
  expect(carols).toMatchObject({ id: exportId, fileName: mine.fileName, rowsWritten: mine.rowsWritten });
  expect(carols.source.reportId).toBe(reportId);
  expect(await fileOf(await as('carol', `/exports/${exportId}/download`))).toBe(ownersFile);

  // bob got the mail through hr and the report is shared with hr, but hr may not read global_sales.
  for (const path of [`/exports/${exportId}`, `/exports/${exportId}/download`]) {
    const refused = await as('bob', path);
    expect(refused.status).toBe(403);
    expect(refused.json<{ code: string }>().code).toBe('DATASET_FORBIDDEN');
  }

  // dave was sent nothing: as absent as an export that does not exist.
  for (const path of [`/exports/${exportId}`, `/exports/${exportId}/download`]) {
    const hidden = await as('dave', path);
    expect(hidden.status).toBe(404);
    expect(hidden.json<{ code: string }>().code).toBe('NOT_FOUND');
  }
  // Nor may a recipient list or cancel it.
  expect((await as('carol', '/exports')).json<unknown[]>()).toEqual([]);
}, 60_000);

it('refuses a recipient whose row policies differ from the owner’s', async () => {
  const reportId = ok<{ id: string }>(
    await call('POST', '/reports', {
      name: 'Regions for dave',
      query: {
        dataset: 'global_sales',
        aggregate: { groupBy: ['global_sales.region'], measures: [{ fn: 'count', column: null, as: 'n' }] },
      },
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    }),
    201,
  ).id;
  ok(await call('PUT', `/reports/${reportId}/shares`, [{ user: 'dave', role: 'view' }]));
  const schedule = ok<{ id: string }>(
    await call('POST', '/schedules', {
      reportId,
      format: 'csv',
      trigger: { onVintage: true },
      deliveries: [{ email: { users: ['dave'], groups: [] } }],
    }),
    201,
  );
  const queued = ok<{ id: string }>(await call('POST', `/schedules/${schedule.id}/run-now`), 202);
  const run = await delivered(schedule.id, queued.id);
  // dave may view global_sales, but only the EMEA rows: alice's file holds every region.
  const refused = await send(
    `${api}/exports/${run.exportId ?? ''}/download`,
    { method: 'GET' },
    { token: await stack.token('dave-cli'), headers: { accept: 'application/json' } },
  );
  expect(refused.status).toBe(403);
  expect(refused.json<{ code: string; detail: string }>()).toMatchObject({ code: 'FORBIDDEN' });
  expect(refused.json<{ detail: string }>().detail).toMatch(/row policies or column masks/);
}, 60_000);

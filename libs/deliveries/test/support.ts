import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@aurora/testing';
import type { DeliveryConfig, FinishedRun } from '../src';
import { InMemoryDirectory } from '../src';

export { startSmtp } from '@aurora/testing';

/** The dev IdP's users (tools/dev-idp/src/principals.ts) with the addresses a directory would give them. */
export const DEV_DIRECTORY = new InMemoryDirectory([
  { id: 'alice', email: 'alice@aurora.localhost', groups: ['analysts'] },
  { id: 'bob', email: 'bob@aurora.localhost', groups: ['hr'] },
  { id: 'carol', email: 'carol@aurora.localhost', groups: ['admins'] },
  { id: 'dave', email: 'dave@aurora.localhost', groups: ['sales-emea'] },
]);

export const FILE = Buffer.from('order_id,amount\n1,19.99\n2,5.00\n');

export function finishedRun(overrides: Partial<FinishedRun> = {}): FinishedRun {
  return {
    kind: 'scheduleRun',
    document: 'report',
    name: 'Orders by region',
    scheduleId: 'sch_1',
    runId: 'run_1',
    exportId: 'exp_1',
    status: 'succeeded',
    format: 'csv',
    rows: 2,
    fileName: 'orders-by-region.csv',
    bytes: FILE.length,
    link: 'https://aurora.example.com/exports/exp_1',
    readFile: () => Promise.resolve(FILE),
    finishedAt: '2026-12-07T07:00:04.000Z',
    ...overrides,
  };
}

export function testConfig(overrides: {
  smtpPort?: number;
  attachMaxBytes?: number;
  attempts?: number;
  webhook?: Partial<DeliveryConfig['webhook']>;
}): DeliveryConfig {
  return {
    smtp: {
      host: '127.0.0.1',
      port: overrides.smtpPort ?? 1,
      secure: false,
      requireTls: false,
      from: 'Aurora <aurora@aurora.localhost>',
      timeoutMs: 5000,
    },
    attachMaxBytes: overrides.attachMaxBytes ?? 10_485_760,
    retry: { attempts: overrides.attempts ?? 3, baseDelayMs: 10, maxDelayMs: 2000 },
    webhook: {
      allowedHosts: [],
      internalHosts: ['127.0.0.1'],
      allowHttp: true,
      timeoutMs: 2000,
      responseMaxBytes: 4096,
      ...overrides.webhook,
    },
  };
}

export interface ReceivedRequest {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A webhook receiver (node:http on a free port) answering each request with `respond`'s status and headers. */
export async function startReceiver(
  respond: (request: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string> },
) {
  const port = await freePort();
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const { status, headers } = respond(received, requests.length - 1);
      res.writeHead(status, headers).end(status >= 400 ? `status ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/hooks/aurora`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of a counter series in a registry, 0 when it has none. */
export async function counterValue(
  registry: import('prom-client').Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
  );
  return match?.value ?? 0;
}

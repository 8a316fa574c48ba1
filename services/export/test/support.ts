// The export pipeline as real processes for the tests of this folder: a demo warehouse, nats-server -js,
// the test S3, the dev IdP, metadata, query and gateway, and export workers started on demand.
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { jobDigest, queuedJob, TOPOLOGY, type ExportJob, type JobRequest } from '@aurora/export-jobs';
import type { ExportFormat } from '@aurora/query-model';
import {
  startExportWorker,
  startNats,
  startPostgres,
  startS3,
  startStack,
  testGatewayIssuer,
  type Env,
  type ExportWorkerProcess,
  type RunningNats,
  type RunningServer,
  type Stack,
} from '@aurora/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect, JSONCodec, type NatsConnection } from 'nats';

export const ROOT = resolve(__dirname, '../../..');
export const BUCKET = 'aurora-exports';

/** The job as `GET /exports/{id}` shows it. */
export interface JobView {
  readonly id: string;
  readonly status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly rowsWritten: number;
  readonly bytes: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
}

/** The export-completed CloudEvent of docs/API.md. */
export interface CompletedEvent {
  readonly specversion: string;
  readonly type: string;
  readonly source: string;
  readonly id: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: string;
  readonly data: {
    readonly jobId: string;
    readonly owner: string;
    readonly format: string;
    readonly status: string;
    readonly bucket: string | null;
    readonly key: string | null;
    readonly rows: number;
    readonly bytes: number;
    readonly sha256: string | null;
    readonly error?: { readonly code: string; readonly detail: string };
  };
}

export type User = 'alice' | 'bob' | 'carol' | 'dave';

export interface HarnessOptions {
  readonly salesRows: number;
  /** A catalog where global_sales needs no vintage (so one query may read the whole table). */
  readonly vintageOptional?: boolean;
  /** Any other change to the demo catalog's YAML (e.g. a grant). */
  readonly editCatalog?: (yaml: string) => string;
  readonly gateway?: Env;
  readonly query?: Env;
  readonly metadata?: Env;
  /** Throttle S3 uploads (bytes/s), so a big export surely runs for a while, however fast the machine. */
  readonly s3UploadBytesPerSecond?: number;
  /** Give the metadata service an application database (PostgreSQL), for saved reports and dashboards. */
  readonly database?: boolean;
}

export interface Harness {
  readonly dir: string;
  readonly nats: RunningNats;
  readonly s3: RunningServer;
  readonly stack: Stack;
  /** What every worker gets (NATS, query service, S3); `startWorker(env)` adds to it. */
  readonly workerEnv: Env;
  readonly s3client: S3Client;
  /** A NATS connection of the test itself (streams, consumers, events), as the harness's inspection user. */
  readonly nc: NatsConnection;
  startWorker(env?: Env): Promise<ExportWorkerProcess>;
  /** A call to the gateway's `/api/v1` as `user` (alice by default). */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** `POST /exports`: the status and body. */
  submit(body: unknown, options?: CallOptions): Promise<{ status: number; body: Record<string, unknown> }>;
  job(id: string, user?: User): Promise<JobView>;
  /** Polls `GET /exports/{id}` every 50 ms until `done` holds; the states it saw, in order. */
  waitFor(id: string, done: (job: JobView) => boolean, timeoutMs?: number, user?: User): Promise<JobView>;
  /** Object keys in the bucket under `prefix`. */
  objects(prefix?: string): Promise<string[]>;
  /** Multipart uploads begun and neither completed nor aborted, from the S3 API (ListMultipartUploads). */
  incompleteUploads(prefix?: string): Promise<{ key: string; uploadId: string }[]>;
  object(key: string): Promise<Buffer>;
  /** Every export-completed event in AURORA_EVENTS, read from the start. */
  completedEvents(): Promise<CompletedEvent[]>;
  stop(): Promise<void>;
}

export interface CallOptions {
  readonly user?: User;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly redirect?: 'follow' | 'manual' | 'error';
}

const run = promisify(execFile);
const codec = JSONCodec();

/** Generates the demo warehouse into `dir` (the built generator, as `npm run demo:data` runs it). */
export async function demoWarehouse(dir: string, salesRows: number): Promise<string> {
  await run(process.execPath, [join(ROOT, 'tools/demo-data/dist/main.js')], {
    env: { ...process.env, DEMO_DATA_DIR: dir, DEMO_SALES_ROWS: String(salesRows) },
  });
  return join(dir, 'warehouse.duckdb');
}

/** A copy of the demo catalog, edited. */
function editedCatalog(dir: string, edit: (yaml: string) => string): string {
  const path = join(dir, 'catalog.yaml');
  writeFileSync(path, edit(readFileSync(join(ROOT, 'services/metadata/catalog/demo.yaml'), 'utf8')));
  return path;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-export-test-'));
  const [warehousePath, nats, s3, database] = await Promise.all([
    demoWarehouse(join(dir, 'demo'), options.salesRows),
    startNats(),
    startS3(BUCKET, { uploadBytesPerSecond: options.s3UploadBytesPerSecond ?? 0 }),
    options.database ? startPostgres() : undefined,
  ]);
  const s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: BUCKET,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const stack = await startStack({
    warehousePath,
    ...(options.vintageOptional || options.editCatalog
      ? {
          catalogPath: editedCatalog(dir, (yaml) => {
            const optional = options.vintageOptional
              ? yaml.replace(/required: true/g, 'required: false')
              : yaml;
            return options.editCatalog ? options.editCatalog(optional) : optional;
          }),
        }
      : {}),
    nats,
    ...(database ? { database } : {}),
    env: {
      // No export quotas unless a test sets them: a test may queue more jobs of one user than a person would.
      gateway: {
        ...s3Env,
        RATE_LIMIT_PER_MINUTE: '1000000',
        QUOTA_CONCURRENT_EXPORTS: '0',
        QUOTA_EXPORT_ROWS_PER_DAY: '0',
        ...options.gateway,
      },
      ...(options.query ? { query: options.query } : {}),
      ...(options.metadata ? { metadata: options.metadata } : {}),
    },
  });
  const workerEnv: Env = {
    ...nats.env('export-worker'),
    QUERY_GRPC_ADDRESS: stack.urls.query,
    ...s3Env,
  };
  const s3client = new S3Client({
    endpoint: s3.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const nc = await connect({
    ...nats.connectOptions('test-admin'),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const workers: ExportWorkerProcess[] = [];
  const tokens: Record<User, string> = {
    alice: 'alice-cli',
    bob: 'bob-cli',
    carol: 'carol-cli',
    dave: 'dave-cli',
  };

  const call: Harness['call'] = async (method, path, callOptions = {}) => {
    const token = await stack.token(tokens[callOptions.user ?? 'alice']);
    return fetch(`${stack.urls.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(callOptions.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...callOptions.headers,
      },
      ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }),
      redirect: callOptions.redirect ?? 'follow',
    });
  };
  const job: Harness['job'] = async (id, user) => {
    const response = await call('GET', `/exports/${id}`, user ? { user } : {});
    if (response.status !== 200)
      throw new Error(`GET /exports/${id}: ${response.status} ${await response.text()}`);
    return (await response.json()) as JobView;
  };

  return {
    dir,
    nats,
    s3,
    stack,
    workerEnv,
    s3client,
    nc,
    startWorker: async (env = {}) => {
      const worker = await startExportWorker({ ...workerEnv, ...env });
      workers.push(worker);
      return worker;
    },
    call,
    submit: async (body, callOptions = {}) => {
      const response = await call('POST', '/exports', { ...callOptions, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    job,
    waitFor: async (id, done, timeoutMs = 30_000, user) => {
      const deadline = Date.now() + timeoutMs;
      let last: JobView | undefined;
      while (Date.now() < deadline) {
        try {
          last = await job(id, user);
          if (done(last)) return last;
        } catch (error) {
          // the gateway may answer 503 while NATS restarts
          if (!String(error).includes(': 503')) throw error;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `export ${id} did not get there within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`,
      );
    },
    objects: async (prefix = '') => {
      const listed = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
      return (listed.Contents ?? []).map((o) => o.Key ?? '');
    },
    incompleteUploads: async (prefix = '') => {
      const listed = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
      return (listed.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
    },
    object: async (key) => {
      const got = await s3client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return Buffer.from(
        await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    },
    completedEvents: async () => {
      const jsm = await nc.jetstreamManager();
      const { state } = await jsm.streams.info(TOPOLOGY.eventsStream);
      const events: CompletedEvent[] = [];
      if (state.messages === 0) return events;
      const consumer = await nc.jetstream().consumers.get(TOPOLOGY.eventsStream);
      while (events.length < state.messages) {
        // Asking for exactly what is there returns at once (a larger batch waits for its expiry).
        const batch = await consumer.fetch({
          max_messages: Math.min(500, state.messages - events.length),
          expires: 2000,
        });
        let got = 0;
        for await (const message of batch) {
          events.push(codec.decode(message.data) as CompletedEvent);
          got += 1;
        }
        if (got === 0) break;
      }
      return events;
    },
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await stack.stop();
      await nc.close().catch(() => undefined);
      s3client.destroy();
      await Promise.all([nats.remove(), s3.remove(), database?.remove()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads `text/event-stream` until the stream ends or `until` says stop: the events' names and data. */
export async function readEvents(
  response: Response,
  until: (event: { event: string; data: JobView }) => boolean,
): Promise<{ event: string; data: JobView }[]> {
  const events: { event: string; data: JobView }[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name === undefined || data === undefined) continue; // a keep-alive comment
        const event = { event: name, data: JSON.parse(data) as JobView };
        events.push(event);
        if (until(event)) return events;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** A worker's log lines (JSON) that carry `msg`. */
export function workerLog(worker: ExportWorkerProcess, msg: string): Record<string, unknown>[] {
  return worker.process
    .output()
    .split('\n')
    .filter((line) => line.includes(`"${msg}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A new job record as a gateway of the harness submits it: with the statement it signs. */
export async function signedJob(content: Omit<JobRequest, 'statement'>): Promise<ExportJob> {
  const binding = { job: content.id, digest: jobDigest(content) };
  return queuedJob({ ...content, statement: await testGatewayIssuer().jobStatement(content.owner, binding) });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every column of the demo fact table, in its exposed order. */
// eslint-disable-next-line @nx/enforce-module-boundaries -- the generator is a tool; tests read its source
export { SALES_COLUMNS } from '../../../tools/demo-data/src';

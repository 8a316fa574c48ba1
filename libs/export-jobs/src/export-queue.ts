import { natsConnectError, natsConnectOptions, type NatsClientSettings } from '@aurora/nats-access';
import { REQUEST_ID_HEADER, requestScope, traceHeaders } from '@aurora/observability';
import type { Principal } from '@aurora/proto';
import { createHash } from 'node:crypto';
import {
  AckPolicy,
  JSONCodec,
  RetentionPolicy,
  StorageType,
  connect,
  headers,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type KV,
  type MsgHdrs,
  type NatsConnection,
} from 'nats';
import { QuotaExceededError } from '@aurora/errors';
import {
  decodeUsage,
  exceededQuota,
  NO_USAGE,
  settleUsage,
  utcDay,
  type ExportLimits,
  type ExportUsage,
} from './export-quota';
import type { ExportCompletedEvent, ExportJob } from './job';
import { TOPOLOGY } from './topology';

const codec = JSONCodec();

/** A job message on the work queue: just enough to find the record. */
interface WorkItem {
  readonly id: string;
  readonly owner: string;
}

export interface Delivery {
  readonly job: ExportJob;
  /** 1 for the first delivery. */
  readonly attempt: number;
  readonly last: boolean;
  /**
   * The submission's context from the message headers (lower-case keys): its W3C trace context
   * (`traceparent`, `tracestate`; absent when tracing was off), so the worker's spans continue the trace the
   * HTTP request began, and its `x-request-id`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** How often `working()` must be called so the delivery is not given to another worker meanwhile. */
  readonly heartbeatMs: number;
  working(): void;
  ack(): void;
  /** Try again later: a nak delayed by the backoff step of this attempt. */
  retry(): void;
  /** Never again: the job is finished one way or another. */
  term(): void;
}

/** How the work-queue consumer treats deliveries (the defaults are TOPOLOGY's). */
export interface QueueOptions {
  /**
   * Seconds a delivery may go without an ack or a `working()` heartbeat before JetStream hands it to another
   * worker (a worker that died). Workers set it; other clients (the gateway) leave an existing consumer alone.
   */
  readonly ackWaitSeconds?: number;
  /** Waits before attempts 2, 3, … of a job handed back with `retry()`; the last one repeats. */
  readonly backoffSeconds?: readonly number[];
}

/**
 * Exports over NATS JetStream: the job records (KV bucket), the work queue (stream + one durable pull
 * consumer shared by all workers) and the completed-events stream. The only code that talks to NATS.
 */
export class ExportQueue {
  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly kv: KV,
    private readonly options: QueueOptions,
  ) {}

  /** Connects as the component `nats` names (its credentials and private inbox), then ensures the topology. */
  static async connect(
    nats: NatsClientSettings,
    name: string,
    options: QueueOptions = {},
  ): Promise<ExportQueue> {
    const connection = await connect({
      ...natsConnectOptions(nats),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      throw natsConnectError(error, nats);
    });
    const jsm = await connection.jetstreamManager();
    await ensureTopology(jsm, options);
    const js = connection.jetstream();
    const kv = await js.views.kv(TOPOLOGY.jobsBucket, { history: 1 });
    return new ExportQueue(connection, js, jsm, kv, options);
  }

  /**
   * Stores a new job and queues it. With an idempotency key, a second submission of the same key by the same
   * owner returns the first job instead of creating another. With `limits`, a new job beyond the owner's export
   * quotas is refused (QuotaExceededError) before anything is queued.
   */
  async submit(
    job: ExportJob,
    idempotencyKey?: string,
    limits?: ExportLimits,
  ): Promise<{ job: ExportJob; created: boolean; usage?: ExportUsage }> {
    const idempotency =
      idempotencyKey === undefined ? undefined : idempotencyEntry(job.owner, idempotencyKey);
    if (idempotency !== undefined) {
      try {
        await this.kv.create(idempotency, codec.encode(job.id));
      } catch {
        const existing = await this.kv.get(idempotency);
        const id = existing?.operation === 'PUT' ? (codec.decode(existing.value) as string) : undefined;
        const earlier = id === undefined ? undefined : await this.get(job.owner, id);
        if (earlier) return { job: earlier, created: false };
        // The earlier submission never became a job (it failed half-way): this one takes the key.
        await this.kv.put(idempotency, codec.encode(job.id));
      }
    }
    const entry = jobEntry(job.owner, job.id);
    await this.kv.create(entry, codec.encode(job));
    const item: WorkItem = { id: job.id, owner: job.owner.sub };
    let usage: ExportUsage | undefined;
    try {
      // Counted once its record exists: a submission on another replica settling the usage meanwhile takes an
      // id without a record for one whose submission failed, and would drop it.
      usage = limits ? await this.reserve(job, limits) : undefined;
      await this.js.publish(TOPOLOGY.workSubject, codec.encode(item), {
        msgID: job.id,
        ...traceContextHeaders(),
      });
    } catch (error) {
      // Refused, or not queued (or not known to be): no job is better than one that stays queued forever. A worker
      // that does get the message finds no record and drops it; the client may submit again.
      await this.kv.delete(entry).catch(() => undefined);
      if (idempotency !== undefined) await this.kv.delete(idempotency).catch(() => undefined);
      throw error;
    }
    return { job, created: true, ...(usage ? { usage } : {}) };
  }

  /**
   * Counts the job in its owner's usage (export-quota.ts) unless that exceeds `limits`, by compare-and-set on the
   * owner's entry: submissions racing on several replicas are decided one after another. Answers the usage with
   * the job counted.
   */
  private async reserve(job: ExportJob, limits: ExportLimits): Promise<ExportUsage> {
    const key = quotaEntry(job.owner);
    for (let attempt = 0; ; attempt += 1) {
      const entry = await this.kv.get(key);
      const now = new Date();
      const usage = await this.settled(job.owner, entry?.operation === 'PUT' ? entry.value : undefined, now);
      const exceeded = exceededQuota(usage, limits);
      if (exceeded) throw quotaExceeded(exceeded, usage, limits, now);
      const next: ExportUsage = { ...usage, active: [...usage.active, job.id] };
      try {
        if (entry) await this.kv.update(key, codec.encode(next), entry.revision);
        else await this.kv.create(key, codec.encode(next));
        return next;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
  }

  /** The owner's export usage now: jobs queued or running, rows written by jobs that ended today. */
  async usage(owner: Principal | string): Promise<{ running: number; rowsToday: number; resetsAt: Date }> {
    const entry = await this.kv.get(quotaEntry(owner));
    const now = new Date();
    const usage = await this.settled(owner, entry?.operation === 'PUT' ? entry.value : undefined, now);
    return { running: usage.active.length, rowsToday: usage.rows, resetsAt: utcDay(now).resetsAt };
  }

  private async settled(
    owner: Principal | string,
    stored: Uint8Array | undefined,
    now: Date,
  ): Promise<ExportUsage> {
    const usage = stored ? decodeUsage(codec.decode(stored)) : NO_USAGE;
    const records = await Promise.all(
      usage.active.map(async (id) => [id, await this.get(owner, id)] as const),
    );
    return settleUsage(usage, new Map(records), now);
  }

  /** A job of this owner, or undefined (another user's job is as absent as a missing one). */
  async get(owner: Principal | string, id: string): Promise<ExportJob | undefined> {
    const entry = await this.kv.get(jobEntry(owner, id));
    return entry && entry.operation === 'PUT' ? (codec.decode(entry.value) as ExportJob) : undefined;
  }

  /** This owner's jobs, newest first. */
  async list(owner: Principal): Promise<ExportJob[]> {
    // Keys first, records after: awaiting a `get` inside the `keys()` iteration ends it after the first key
    // (nats.js 2.29), which listed one job only.
    const keys: string[] = [];
    for await (const key of await this.kv.keys(`${ownerKey(owner)}.*`)) keys.push(key);
    const jobs: ExportJob[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry?.operation === 'PUT') jobs.push(codec.decode(entry.value) as ExportJob);
    }
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Read-modify-write with compare-and-set, retried on a concurrent change. */
  async update(
    owner: Principal | string,
    id: string,
    change: (job: ExportJob) => ExportJob,
  ): Promise<ExportJob> {
    const key = jobEntry(owner, id);
    for (let attempt = 0; ; attempt += 1) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') throw new Error(`export job ${id} is gone`);
      const next = change(codec.decode(entry.value) as ExportJob);
      try {
        await this.kv.update(key, codec.encode(next), entry.revision);
        return next;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
  }

  /** Every state of the job from now on (starting with the current one), until `signal` aborts. */
  async *watch(owner: Principal | string, id: string, signal: AbortSignal): AsyncGenerator<ExportJob> {
    const watcher = await this.kv.watch({ key: jobEntry(owner, id) });
    const stop = (): void => watcher.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') yield codec.decode(entry.value) as ExportJob;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      watcher.stop();
    }
  }

  /** Publishes the export-completed CloudEvent, deduplicated by job id. */
  async publishCompleted(event: ExportCompletedEvent): Promise<void> {
    await this.js.publish(TOPOLOGY.completedSubject, codec.encode(event), {
      msgID: event.id,
      ...traceContextHeaders(),
    });
  }

  /** The work queue's backlog, for the consumer gauges: messages not yet delivered, and delivered unacked. */
  async backlog(): Promise<{ stream: string; consumer: string; pending: number; ackPending: number }> {
    const info = await this.jsm.consumers.info(TOPOLOGY.workStream, TOPOLOGY.workConsumer);
    return {
      stream: TOPOLOGY.workStream,
      consumer: TOPOLOGY.workConsumer,
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
    };
  }

  /** The next job for a worker, or null when none arrived within `expiresMs`. */
  async next(expiresMs: number): Promise<Delivery | null> {
    const consumer = await this.js.consumers.get(TOPOLOGY.workStream, TOPOLOGY.workConsumer);
    const message = await consumer.next({ expires: Math.max(1000, expiresMs) }); // the client's minimum
    if (!message) return null;
    const item = codec.decode(message.data) as WorkItem;
    const job = await this.get(item.owner, item.id);
    if (!job) {
      message.term(); // the record is gone: nothing to do, ever
      return this.next(expiresMs);
    }
    return delivery(job, message, this.options);
  }

  /**
   * A job whose deliveries ran out (a worker died each time) stays in a work-queue stream: this calls
   * `handle` with it and removes the message, so the queue never keeps a poison job.
   */
  async onDeliveriesExhausted(handle: (item: WorkItem) => Promise<void>): Promise<void> {
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${TOPOLOGY.workStream}.${TOPOLOGY.workConsumer}`;
    const subscription = this.connection.subscribe(subject, { queue: 'export-workers' });
    void (async () => {
      for await (const advisory of subscription) {
        const { stream_seq: sequence } = codec.decode(advisory.data) as { stream_seq: number };
        try {
          const stored = await this.jsm.streams.getMessage(TOPOLOGY.workStream, { seq: sequence });
          await handle(codec.decode(stored.data) as WorkItem);
          await this.jsm.streams.deleteMessage(TOPOLOGY.workStream, sequence);
        } catch {
          // already removed by another worker, or the record is gone
        }
      }
    })();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}

async function ensureTopology(jsm: JetStreamManager, options: QueueOptions): Promise<void> {
  await ensureStream(jsm, {
    name: TOPOLOGY.workStream,
    subjects: [TOPOLOGY.workSubject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(10 * 60 * 1000),
  });
  await ensureStream(jsm, {
    name: TOPOLOGY.eventsStream,
    subjects: [TOPOLOGY.completedSubject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(30 * 24 * 3600 * 1000),
    duplicate_window: nanos(10 * 60 * 1000),
  });
  // No consumer-level `backoff`: JetStream then takes its first step as the ack wait (nats-server sets
  // AckWait = BackOff[0]), so a job running longer than 2 s between heartbeats went to a second worker while
  // the first still ran it. The waits between attempts are the delays of `retry()` (a nak with a delay).
  const consumer = {
    durable_name: TOPOLOGY.workConsumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos((options.ackWaitSeconds ?? TOPOLOGY.ackWaitSeconds) * 1000),
    max_deliver: TOPOLOGY.maxDeliver,
    backoff: [],
    max_ack_pending: 1000,
  };
  // Workers own it and bring it up to date; other clients (the gateway) create it only when it is missing,
  // and never touch one a worker set up (nats-server 2.9 takes a create of an existing durable as an update).
  if (options.ackWaitSeconds === undefined) {
    const exists = await jsm.consumers.info(TOPOLOGY.workStream, TOPOLOGY.workConsumer).then(
      () => true,
      () => false,
    );
    if (exists) return;
  }
  try {
    await jsm.consumers.add(TOPOLOGY.workStream, consumer);
  } catch {
    await jsm.consumers.update(TOPOLOGY.workStream, TOPOLOGY.workConsumer, consumer);
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  config: Parameters<JetStreamManager['streams']['add']>[0],
): Promise<void> {
  try {
    await jsm.streams.info(config.name ?? '');
    await jsm.streams.update(config.name ?? '', config);
  } catch {
    await jsm.streams.add(config).catch(async (error: unknown) => {
      // Another client created it meanwhile (replicas starting together; nats-server 2.9 then answers "subjects
      // overlap with an existing stream"): theirs is the same stream.
      await jsm.streams.info(config.name ?? '').catch(() => {
        throw error;
      });
    });
  }
}

function delivery(job: ExportJob, message: JsMsg, options: QueueOptions): Delivery {
  const attempt = message.info.deliveryCount;
  const ackWaitMs = (options.ackWaitSeconds ?? TOPOLOGY.ackWaitSeconds) * 1000;
  return {
    job,
    attempt,
    last: attempt >= TOPOLOGY.maxDeliver,
    headers: headerRecord(message.headers),
    heartbeatMs: Math.min(10_000, Math.max(100, Math.floor(ackWaitMs / 3))),
    working: () => message.working(),
    ack: () => message.ack(),
    retry: () => message.nak(backoffMs(attempt, options.backoffSeconds ?? TOPOLOGY.backoffSeconds)),
    term: () => message.term(),
  };
}

/** The active trace context and request id as message headers; none at all when there are none. */
function traceContextHeaders(): { headers?: MsgHdrs } {
  const requestId = requestScope()?.requestId;
  const entries = Object.entries({
    ...traceHeaders(),
    ...(requestId === undefined ? {} : { [REQUEST_ID_HEADER]: requestId }),
  });
  if (entries.length === 0) return {};
  const carrier = headers();
  for (const [key, value] of entries) carrier.set(key, value);
  return { headers: carrier };
}

function headerRecord(carrier: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, values] of carrier ?? []) {
    const [value] = values;
    if (value !== undefined) record[key.toLowerCase()] = value;
  }
  return record;
}

/** The wait before the next attempt after `attempt` failed. */
function backoffMs(attempt: number, steps: readonly number[]): number {
  return Math.round((steps[Math.min(attempt, steps.length) - 1] ?? steps[0] ?? 0) * 1000);
}

/** KV keys allow few characters: a subject is hex-encoded. */
function ownerKey(owner: Principal | string): string {
  return Buffer.from(typeof owner === 'string' ? owner : owner.sub, 'utf8').toString('hex');
}

function jobEntry(owner: Principal | string, id: string): string {
  return `${ownerKey(owner)}.${id}`;
}

/** A hex owner key never reads `quota`, so this entry is apart from the owner's jobs (`<owner>.*`). */
function quotaEntry(owner: Principal | string): string {
  return `quota.${ownerKey(owner)}`;
}

/** The refusal, written for the person who asked for the export. */
function quotaExceeded(
  quota: 'concurrentExports' | 'exportRowsPerDay',
  usage: ExportUsage,
  limits: ExportLimits,
  now: Date,
): QuotaExceededError {
  const n = (value: number) => value.toLocaleString('en-US');
  if (quota === 'concurrentExports') {
    return new QuotaExceededError(
      quota,
      `You already have ${n(usage.active.length)} exports queued or running (your limit); try again when one finishes.`,
    );
  }
  return new QuotaExceededError(
    quota,
    `Your exports have written ${n(usage.rows)} rows today, your daily limit of ${n(limits.rowsPerDay)}; you can export again after midnight UTC.`,
    utcDay(now).resetsAt,
  );
}

function idempotencyEntry(owner: Principal, key: string): string {
  return `idem.${ownerKey(owner)}.${createHash('sha256').update(key).digest('hex')}`;
}

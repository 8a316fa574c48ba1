import {
  NATS_NAMES,
  NatsCredentialsError,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import {
  AckPolicy,
  JSONCodec,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import { auditEvent, auditSubject, type AuditEvent } from './event';
import type { AuditRecord } from './record';

const codec = JSONCodec();

/**
 * The stream as it is created when missing: kept 30 days (the SIEM's and the index's window to catch up), with
 * event-id deduplication over 10 minutes. Never updated by Aurora once it exists: operators size it
 * (docs/OPERATIONS.md, "Audit trail").
 */
const STREAM_CONFIG = {
  name: NATS_NAMES.auditStream,
  subjects: [`${NATS_NAMES.auditSubjectPrefix}.>`],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  max_age: nanos(30 * 24 * 3600 * 1000),
  duplicate_window: nanos(10 * 60 * 1000),
};

/** A record could not be made durable: the caller must not serve what it was about. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

/**
 * The audit stream on NATS JetStream: records published with a publish ack (the record is stored when `publish`
 * resolves, and only then), and the durable consumer the index reads. The only code of the trail that talks to NATS.
 */
export class AuditStream {
  private ensured: Promise<void> | undefined;

  private constructor(
    private readonly connection: Promise<NatsConnection>,
    /** Stops the attempts to connect of a stream closed before it ever reached NATS. */
    private readonly closing: AbortController,
    private readonly source: string,
    private readonly publishTimeoutMs: number,
  ) {}

  /**
   * Connects in the background: a NATS that is down at start does not stop the service; each publish fails
   * (AuditUnavailableError) until it is reached. `onConnectError` hears refused credentials (a configuration error).
   */
  static open(
    nats: NatsClientSettings,
    options: {
      name: string;
      source: string;
      publishTimeoutMs: number;
      onConnectError?: (error: Error) => void;
    },
  ): AuditStream {
    const closing = new AbortController();
    // Attempts of our own until the first connection (nats.js would retry forever, even after close()); once
    // connected, nats.js reconnects by itself.
    const connection = (async () => {
      for (;;) {
        try {
          return await connect({
            ...natsConnectOptions(nats),
            name: options.name,
            maxReconnectAttempts: -1,
            reconnectTimeWait: RETRY_MS,
          });
        } catch (error) {
          const reason = natsConnectError(error, nats);
          if (reason instanceof NatsCredentialsError) {
            options.onConnectError?.(reason);
            throw reason;
          }
          await sleep(RETRY_MS, closing.signal);
          if (closing.signal.aborted) throw reason;
        }
      }
    })();
    connection.catch(() => undefined); // heard through onConnectError and each publish
    return new AuditStream(connection, closing, options.source, options.publishTimeoutMs);
  }

  /** Publishes the record as its CloudEvent and waits for JetStream's ack; deduplicated by its id. */
  async publish(record: AuditRecord): Promise<void> {
    try {
      const connection = await withTimeout(this.connection, this.publishTimeoutMs);
      await withTimeout(this.ensureStream(), this.publishTimeoutMs);
      await connection
        .jetstream()
        .publish(auditSubject(record.action), codec.encode(auditEvent(record, this.source)), {
          msgID: record.id,
          timeout: this.publishTimeoutMs,
        });
    } catch (error) {
      throw new AuditUnavailableError(
        `audit record ${record.id} not stored: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Hands each event of the durable consumer to `index`, one at a time, in stream order; acked once `index`
   * resolves, redelivered after `retryMs` when it throws. Never gives up on an event: a record is not dropped.
   * Runs until `signal` aborts.
   */
  async consume(
    index: (event: AuditEvent) => Promise<void>,
    signal: AbortSignal,
    { retryMs = 2000, onError }: { retryMs?: number; onError?: (error: unknown) => void } = {},
  ): Promise<void> {
    const stopped = (): boolean => signal.aborted; // read afresh after each await
    while (!stopped()) {
      try {
        await this.ensureStream();
        await this.ensureConsumer();
        const consumer = await (
          await this.connection
        )
          .jetstream()
          .consumers.get(NATS_NAMES.auditStream, NATS_NAMES.auditConsumer);
        while (!stopped()) {
          const message = await consumer.next({ expires: 1000 });
          if (!message) continue;
          try {
            await index(codec.decode(message.data) as AuditEvent);
            message.ack();
          } catch (error) {
            message.nak(retryMs);
            onError?.(error);
            await sleep(retryMs, signal);
          }
        }
      } catch (error) {
        if (stopped()) return;
        onError?.(error);
        await sleep(retryMs, signal);
      }
    }
  }

  /** Drains a connection that is up; one still connecting is closed as soon as it connects, never waited for. */
  async close(): Promise<void> {
    this.closing.abort();
    const pending = Symbol('pending');
    const connection = await Promise.race([
      this.connection.catch(() => undefined),
      new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending))),
    ]);
    if (connection === pending) {
      void this.connection.then((late) => late.close()).catch(() => undefined);
      return;
    }
    if (connection && !connection.isClosed()) await connection.drain();
  }

  private ensureStream(): Promise<void> {
    this.ensured ??= (async () => {
      const jsm = await (await this.connection).jetstreamManager();
      await jsm.streams.info(STREAM_CONFIG.name).catch(() =>
        // Another replica may create it at the same moment: then theirs is the stream.
        jsm.streams.add(STREAM_CONFIG).catch(async (error: unknown) => {
          await jsm.streams.info(STREAM_CONFIG.name).catch(() => {
            throw error;
          });
        }),
      );
    })().catch((error: unknown) => {
      this.ensured = undefined; // try again with the next record
      throw error;
    });
    return this.ensured;
  }

  private async ensureConsumer(): Promise<void> {
    const jsm: JetStreamManager = await (await this.connection).jetstreamManager();
    const exists = await jsm.consumers.info(NATS_NAMES.auditStream, NATS_NAMES.auditConsumer).then(
      () => true,
      () => false,
    );
    if (exists) return;
    await jsm.consumers.add(NATS_NAMES.auditStream, {
      durable_name: NATS_NAMES.auditConsumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(30_000),
      max_ack_pending: 1000,
    });
  }
}

const RETRY_MS = 500;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from NATS within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

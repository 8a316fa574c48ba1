import { inboxPrefix, type NatsComponent } from './components';
import { NATS_NAMES, kvStream } from './names';

/** What a user may publish to and subscribe to: allow lists, everything else is refused. */
export interface NatsPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** Exceptions inside `publish`: subjects refused although an allowed wildcard covers them. */
  readonly denyPublish?: readonly string[];
}

const {
  jobsBucket,
  workStream,
  workSubject,
  workConsumer,
  eventsStream,
  completedSubject,
  rateLimitBucket,
  auditStream,
  auditSubjectPrefix,
  auditConsumer,
  vintageArrivedSubject,
  notificationCreatedSubject,
} = NATS_NAMES;

const api = (...tokens: string[]): string => ['$JS.API', ...tokens].join('.');

/** The account's JetStream limits: every client library asks before its first JetStream call. */
const ACCOUNT_INFO = api('INFO');

/**
 * The export topology as ExportQueue.connect ensures it (every client, since a gateway may start before any
 * worker): the work and events streams brought up to date, the shared work consumer created when missing.
 * Never a delete or a purge.
 */
const EXPORT_TOPOLOGY = [
  ...[workStream, eventsStream].flatMap((stream) => [
    api('STREAM', 'INFO', stream),
    api('STREAM', 'CREATE', stream),
    api('STREAM', 'UPDATE', stream),
  ]),
  api('CONSUMER', 'INFO', workStream, workConsumer),
  api('CONSUMER', 'CREATE', workStream, workConsumer),
];

/** The audit stream looked up, and created when missing (never updated: operators size it, OPERATIONS.md). */
const AUDIT_TOPOLOGY = [api('STREAM', 'INFO', auditStream), api('STREAM', 'CREATE', auditStream)];

/**
 * A KV bucket's entries, read and written, and the bucket created when missing. With `watch`, also the
 * ordered push consumers of `watch()` and `keys()` (which deliver to the caller's inbox) and their flow control.
 */
function kvEntries(bucket: string, { watch }: { watch: boolean }): string[] {
  const stream = kvStream(bucket);
  return [
    api('STREAM', 'INFO', stream),
    api('STREAM', 'CREATE', stream),
    // A read by key: direct get when the bucket allows it (nats.js creates it so), else the stream API.
    api('DIRECT', 'GET', stream),
    api('DIRECT', 'GET', stream, '>'),
    api('STREAM', 'MSG', 'GET', stream),
    `$KV.${bucket}.>`,
    ...(watch
      ? [api('CONSUMER', 'CREATE', stream), api('CONSUMER', 'CREATE', stream, '>'), `$JS.FC.${stream}.>`]
      : []),
  ];
}

/**
 * Reading one stream through consumers of one's own (durable or not, pull or push into one's inbox), and nothing
 * else: no other stream, no publishing.
 */
function streamReader(stream: string): string[] {
  return [
    ACCOUNT_INFO,
    api('STREAM', 'INFO', stream),
    api('STREAM', 'MSG', 'GET', stream),
    api('CONSUMER', 'CREATE', stream),
    api('CONSUMER', 'CREATE', stream, '>'),
    api('CONSUMER', 'DURABLE', 'CREATE', stream, '>'),
    api('CONSUMER', 'INFO', stream, '>'),
    api('CONSUMER', 'DELETE', stream, '>'),
    api('CONSUMER', 'LIST', stream),
    api('CONSUMER', 'NAMES', stream),
    api('CONSUMER', 'MSG', 'NEXT', stream, '>'),
    `$JS.ACK.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/**
 * Each component's permissions, the one source of truth: the harness and `npm start` render them into
 * nats-server's configuration, and the Helm chart's bundled NATS ships the same rendering (a chart test compares).
 */
export const NATS_PERMISSIONS: Readonly<Record<NatsComponent, NatsPermissions>> = {
  /**
   * Submits jobs (record + work message), reads, lists, watches (SSE) and cancels its users' jobs, publishes the
   * completed event of a job cancelled while queued, and counts requests in the rate-limit bucket.
   */
  gateway: {
    publish: [
      ACCOUNT_INFO,
      ...EXPORT_TOPOLOGY,
      ...kvEntries(jobsBucket, { watch: true }),
      ...kvEntries(rateLimitBucket, { watch: false }),
      workSubject,
      completedSubject,
      ...AUDIT_TOPOLOGY,
      `${auditSubjectPrefix}.>`,
    ],
    // The bell's live stream (GET /notifications/stream): notifications and vintage arrivals, fanned out per user.
    subscribe: [`${inboxPrefix('gateway')}.>`, notificationCreatedSubject, vintageArrivedSubject],
  },
  /**
   * Pulls jobs from the shared durable consumer and acks, naks, terms or heartbeats them; reads, updates and
   * watches (for cancellation) job records; publishes completed events; removes a job that ran out of deliveries
   * after hearing the max-deliveries advisory. No work subject, no rate-limit counters.
   */
  'export-worker': {
    publish: [
      ACCOUNT_INFO,
      ...EXPORT_TOPOLOGY,
      ...kvEntries(jobsBucket, { watch: true }),
      api('CONSUMER', 'MSG', 'NEXT', workStream, workConsumer),
      `$JS.ACK.${workStream}.${workConsumer}.>`,
      api('STREAM', 'MSG', 'GET', workStream),
      api('STREAM', 'MSG', 'DELETE', workStream),
      completedSubject,
    ],
    subscribe: [
      `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${workStream}.${workConsumer}`,
      `${inboxPrefix('export-worker')}.>`,
    ],
  },
  /**
   * Batch systems: their own consumers (durable or not, pull or push into their inbox) on the events stream, and
   * reading its messages; the vintage-arrived events as they happen. Nothing else: no job records, no work queue,
   * no publishing.
   */
  'event-consumer': {
    publish: streamReader(eventsStream),
    subscribe: [`${inboxPrefix('event-consumer')}.>`, vintageArrivedSubject],
  },
  /**
   * Indexes the audit trail: its own durable pull consumer on the audit stream, pulled and acked; publishes the
   * one record it makes itself (a catalog change at start), and the vintage-arrived events it notices. Nothing of
   * the exports, no other audit subject.
   */
  metadata: {
    publish: [
      ACCOUNT_INFO,
      ...AUDIT_TOPOLOGY,
      api('CONSUMER', 'INFO', auditStream, auditConsumer),
      api('CONSUMER', 'CREATE', auditStream, auditConsumer),
      api('CONSUMER', 'DURABLE', 'CREATE', auditStream, auditConsumer),
      api('CONSUMER', 'MSG', 'NEXT', auditStream, auditConsumer),
      `$JS.ACK.${auditStream}.${auditConsumer}.>`,
      `${auditSubjectPrefix}.catalog.change`,
      vintageArrivedSubject,
      notificationCreatedSubject,
    ],
    subscribe: [`${inboxPrefix('metadata')}.>`],
  },
  /**
   * A SIEM: the audit stream read through consumers of its own, as batch consumers read the events stream; never
   * through the index's consumer (pulling or acking there would take records away from the index, deleting it
   * would stop it).
   */
  'audit-reader': {
    publish: streamReader(auditStream),
    subscribe: [`${inboxPrefix('audit-reader')}.>`],
    denyPublish: [
      api('CONSUMER', '*', auditStream, auditConsumer),
      api('CONSUMER', '*', auditStream, auditConsumer, '>'),
      api('CONSUMER', '*', '*', auditStream, auditConsumer),
      `$JS.ACK.${auditStream}.${auditConsumer}.>`,
    ],
  },
};

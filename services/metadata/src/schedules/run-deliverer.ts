import type {
  AlertNotice,
  Deliveries,
  DeliveryMessage,
  DeliveryOutcome,
  DeliveryTarget,
  FinishedRun,
  RecipientDirectory,
} from '@aurora/deliveries';
import { objectKey } from '@aurora/export-jobs';
import { logger } from '@aurora/observability';
import { describeAlertValues, type AlertCondition, type AlertValue } from '@aurora/query-model';
import { sql } from 'kysely';
import type { AppDatabase } from '../reports/app-database';
import { jsonOf, type DeliveryRowTarget } from './schedules.store';

const log = logger('metadata');

/**
 * Where pending deliveries wait: a finished schedule run's (schedule_run_deliveries, by run) and an alert check's
 * that fired or cleared (alert_check_deliveries, by check). Both tables have the same shape; only the key differs.
 */
type DeliverySource = 'run' | 'check';

const SOURCES: Readonly<Record<DeliverySource, { readonly table: string; readonly key: string }>> = {
  run: { table: 'schedule_run_deliveries', key: 'run_id' },
  check: { table: 'alert_check_deliveries', key: 'check_id' },
};

/** A claimed delivery: its run or check (`owner_id`), its place in the list, and the target as stored. */
interface DeliveryRow {
  readonly owner_id: string;
  readonly position: number;
  readonly target: unknown;
}

/** Pending deliveries claimed per sweep: the rest wait for the next one. */
const SWEEP_BATCH = 50;

export interface RunDelivererOptions {
  /** The portal's public base URL: links in mails and webhooks open the run's export through it. */
  readonly portalUrl: string;
  /**
   * How long a claim holds: longer than the slowest delivery (every attempt, timeout and backoff), so a claim is
   * taken again only when its claimer died.
   */
  readonly leaseMs: number;
  /** Reads an export's file from the object store (at most `maxBytes`), for mails that attach it; absent: none do. */
  readonly readObject?: (key: string, maxBytes: number) => Promise<Uint8Array>;
  /** The attachment cap (DELIVERY_ATTACH_MAX_BYTES): no more than this is ever read. */
  readonly attachMaxBytes?: number;
  readonly now?: () => Date;
}

/**
 * Sends the deliveries of finished runs, each once across replicas. Scheduler.finish writes one pending row per
 * delivery with the run's end; a replica claims pending rows (a lease in Postgres, `FOR UPDATE SKIP LOCKED`), sends
 * each through @aurora/deliveries and records its outcome as soon as it is known. A replica that dies mid-delivery
 * leaves its unfinished rows pending, and the sweep of any replica takes them once the lease has passed; rows
 * already recorded are never sent again.
 */
export class RunDeliverer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(
    private readonly database: AppDatabase,
    private readonly deliveries: Deliveries,
    private readonly directory: RecipientDirectory,
    private readonly options: RunDelivererOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts the deliveries of a run that just ended, in the background; failures are logged, never thrown. */
  deliverRun(runId: string): void {
    this.track(this.deliverClaimed('run', runId));
  }

  /** Starts the deliveries of an alert check that fired or cleared, in the background, as deliverRun does. */
  deliverCheck(checkId: string): void {
    this.track(this.deliverClaimed('check', checkId));
  }

  /** Claims and sends what is pending and unclaimed (or whose claimer died): the periodic sweep. */
  sweep(): Promise<void> {
    const work = Promise.all([
      this.deliverClaimed('run', undefined),
      this.deliverClaimed('check', undefined),
    ]).then(() => undefined);
    // Tracked as well, so close() waits for it before the SMTP pool closes; its failure is the caller's to log.
    this.track(work.catch(() => undefined));
    return work;
  }

  /** Waits for the deliveries under way (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** At shutdown: the deliveries under way end, then the SMTP pool closes. */
  async close(): Promise<void> {
    await this.idle();
    this.deliveries.close();
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        log.warn('schedule run delivery failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async deliverClaimed(source: DeliverySource, id: string | undefined): Promise<void> {
    const claimed = await this.claim(source, id);
    const byOwner = new Map<string, DeliveryRow[]>();
    for (const row of claimed) byOwner.set(row.owner_id, [...(byOwner.get(row.owner_id) ?? []), row]);
    await Promise.all([...byOwner].map(([owner, rows]) => this.deliverRows(source, owner, rows)));
  }

  private claim(source: DeliverySource, id: string | undefined): Promise<DeliveryRow[]> {
    const now = this.now();
    const expired = new Date(now.getTime() - this.options.leaseMs);
    const table = sql.table(SOURCES[source].table);
    const key = sql.ref(SOURCES[source].key);
    return this.database.run(async (db) => {
      const result = await sql<DeliveryRow>`
        update ${table} d set claimed_at = ${now}
        from (
          select ${key} as owner_id, position from ${table}
          where status = 'pending' and (claimed_at is null or claimed_at < ${expired})
            and (${id ?? null}::uuid is null or ${key} = ${id ?? null}::uuid)
          order by ${key}, position
          limit ${SWEEP_BATCH}
          for update skip locked
        ) c
        where d.${key} = c.owner_id and d.position = c.position
        returning c.owner_id, d.position, d.target`.execute(db);
      return result.rows;
    });
  }

  private async deliverRows(source: DeliverySource, id: string, rows: readonly DeliveryRow[]): Promise<void> {
    const message = source === 'run' ? await this.finishedRun(id) : await this.alertNotice(id);
    if (!message) return;
    await Promise.all(
      rows.map(async (row) => {
        const target = jsonOf(row.target) as DeliveryRowTarget;
        const outcome = await this.deliverOne(message, target);
        await this.record(source, row, outcome);
      }),
    );
  }

  private async deliverOne(run: DeliveryMessage, target: DeliveryRowTarget): Promise<DeliveryOutcome> {
    if ('ownerNotice' in target) {
      // The owner is told only where the directory knows an address for them.
      const owner = await this.directory.user(target.ownerNotice.sub);
      if (!owner)
        return {
          channel: 'email',
          status: 'failed',
          attempts: 0,
          reason: 'the owner has no address in the directory',
        };
    }
    const [outcome] = await this.deliveries.deliver(run, [deliveryTarget(target)]);
    return outcome ?? { channel: 'email', status: 'failed', attempts: 0, reason: 'no outcome' };
  }

  private record(source: DeliverySource, row: DeliveryRow, outcome: DeliveryOutcome): Promise<void> {
    const table = sql.table(SOURCES[source].table);
    const key = sql.ref(SOURCES[source].key);
    return this.database.run(async (db) => {
      await sql`
        update ${table} set status = ${outcome.status}, attempts = ${outcome.attempts},
          reason = ${outcome.reason ?? null}, finished_at = ${this.now()}
        where ${key} = ${row.owner_id}::uuid and position = ${row.position} and status = 'pending'`.execute(
        db,
      );
    });
  }

  /** What the deliveries say about an alert check that fired or cleared: the alert, the numbers, the report's link. */
  private alertNotice(checkId: string): Promise<AlertNotice | undefined> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('alert_checks as c')
        .innerJoin('alerts as a', 'a.id', 'c.alert_id')
        .innerJoin('reports as p', 'p.id', 'a.report_id')
        .select([
          'c.id',
          'c.alert_id',
          'c.transition',
          'c.values',
          'c.row_count',
          'c.finished_at',
          'a.name as alert_name',
          'a.condition',
          'a.report_id',
          'p.name as report_name',
        ])
        .where('c.id', '=', checkId)
        .executeTakeFirst();
      if (!row?.transition) return undefined;
      const values = (jsonOf(row.values) as AlertValue[] | null) ?? [];
      const rowCount = row.row_count === null ? null : Number(row.row_count);
      return {
        kind: 'alert',
        alertId: row.alert_id,
        checkId: row.id,
        alertName: row.alert_name,
        reportName: row.report_name,
        transition: row.transition,
        summary: describeAlertValues(jsonOf(row.condition) as AlertCondition, values, rowCount),
        values,
        rowCount,
        link: portalLink(this.options.portalUrl, null, row.report_id, 'report'),
        finishedAt: (row.finished_at ?? this.now()).toISOString(),
      };
    });
  }

  /** What the deliveries say about a run: its report, its file and the portal link to it. */
  private finishedRun(runId: string): Promise<FinishedRun | undefined> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('schedule_runs as r')
        .innerJoin('schedules as s', 's.id', 'r.schedule_id')
        .innerJoin('reports as p', 'p.id', 's.report_id')
        .select([
          'r.id',
          'r.schedule_id',
          'r.status',
          'r.export_id',
          'r.rows',
          'r.error',
          'r.file_name',
          'r.bytes',
          'r.finished_at',
          's.format',
          's.report_id',
          's.document_kind',
          'p.name',
        ])
        .where('r.id', '=', runId)
        .executeTakeFirst();
      if (!row || (row.status !== 'succeeded' && row.status !== 'failed')) return undefined;
      const error = jsonOf(row.error) as { code: string; detail: string } | null;
      const { readObject, attachMaxBytes = 0 } = this.options;
      // A scheduled export is never compressed: its key follows from the job id and format alone.
      const key = row.export_id ? objectKey({ id: row.export_id, format: row.format }) : undefined;
      return {
        kind: 'scheduleRun',
        document: row.document_kind,
        name: row.name,
        scheduleId: row.schedule_id,
        runId: row.id,
        exportId: row.export_id ?? '',
        status: row.status,
        format: row.format,
        rows: row.rows === null ? 0 : Number(row.rows),
        fileName: row.file_name ?? `${row.name}.${row.format}`,
        bytes: row.bytes === null ? 0 : Number(row.bytes),
        link: portalLink(this.options.portalUrl, row.export_id, row.report_id, row.document_kind),
        finishedAt: (row.finished_at ?? this.now()).toISOString(),
        ...(error ? { error } : {}),
        ...(readObject && key && row.status === 'succeeded'
          ? { readFile: () => readObject(key, attachMaxBytes) }
          : {}),
      };
    });
  }
}

/**
 * The portal's page of the run's export (the reader signs in, and the portal serves the file only on the reader's
 * own rights), or the report's (dashboard's) page when the run never became an export.
 */
export function portalLink(
  portalUrl: string,
  exportId: string | null,
  documentId: string,
  kind: 'report' | 'dashboard',
): string {
  const base = portalUrl.replace(/\/+$/, '');
  return exportId ? `${base}/exports/${exportId}` : `${base}/${kind}s/${documentId}`;
}

function deliveryTarget(target: DeliveryRowTarget): DeliveryTarget {
  if ('ownerNotice' in target) return { kind: 'email', users: [target.ownerNotice.sub], groups: [] };
  if ('webhook' in target) return { kind: 'webhook', url: target.webhook.url, secret: target.webhook.secret };
  return {
    kind: 'email',
    users: target.email.users,
    groups: target.email.groups,
    attach: target.email.attach,
  };
}

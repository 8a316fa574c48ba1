import { AuroraError, ErrorCode } from '@aurora/errors';
import { logger } from '@aurora/observability';
import { Kysely, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { Pool } from 'pg';
import { MIGRATIONS } from './migrations';

const log = logger('metadata');

/** jsonb: written as JSON text, read back parsed. */
type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date, Date>;
/** jsonb with a default: optional when inserting. */
type JsonDefaulted = ColumnType<unknown, string | undefined, string>;

/** Saved documents: reports, and (kind `dashboard`) dashboards, whose tiles and filters are `definition`. */
interface ReportsTable {
  id: string;
  kind: ColumnType<'report' | 'dashboard', 'report' | 'dashboard' | undefined, never>;
  owner_sub: string;
  owner_name: string;
  name: string;
  description: string;
  folder: string;
  dataset: string;
  query: Json;
  vintages: Json;
  layout: Json;
  definition: JsonDefaulted;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | null, Date | null>;
}

interface ReportVersionsTable {
  report_id: string;
  version: number;
  name: string;
  description: string;
  folder: string;
  query: Json;
  vintages: Json;
  layout: Json;
  definition: JsonDefaulted;
  author_sub: string;
  author_name: string;
  created_at: Timestamp;
}

interface ReportSharesTable {
  report_id: string;
  kind: 'user' | 'group';
  grantee: string;
  role: 'view' | 'edit';
}

interface PerPersonTable {
  user_sub: string;
  report_id: string;
  at: Timestamp;
}

interface PeopleTable {
  sub: string;
  name: string;
  groups: ColumnType<string[], string[], string[]>;
  seen_at: Generated<Date>;
}

/** The audit trail's index: append-only, each row sealing the previous one (audit/audit.store.ts). */
interface AuditEventsTable {
  seq: ColumnType<string, string | number, never>;
  event_id: string;
  at: Timestamp;
  action: string;
  subject: string | null;
  datasets: ColumnType<string[], string[], never>;
  outcome: string;
  content: string;
  prev_hash: string;
  hash: string;
}

type MaybeTimestamp = ColumnType<Date | null, Date | null, Date | null>;

interface SchedulesTable {
  id: string;
  report_id: string;
  owner_sub: string;
  owner_name: string;
  owner_principal: Json;
  /** A report's base dataset; '' for a dashboard (its tiles' datasets are read when a vintage arrives). */
  dataset: string;
  document_kind: 'report' | 'dashboard';
  format: 'csv' | 'xlsx' | 'pdf' | 'png';
  filter_values: Json;
  trigger: Json;
  deliveries: Json;
  paused: boolean;
  version: number;
  next_run_at: MaybeTimestamp;
  consecutive_failures: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

interface ScheduleRunsTable {
  id: string;
  schedule_id: string;
  scheduled_for: Timestamp;
  cause: 'cron' | 'vintage' | 'manual';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  export_id: string | null;
  /** bigint: pg answers it as text. */
  rows: ColumnType<string | null, number | null, number | null>;
  error: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  started_at: MaybeTimestamp;
  finished_at: MaybeTimestamp;
  file_name: ColumnType<string | null, string | null | undefined, string | null>;
  bytes: ColumnType<string | null, number | null | undefined, number | null>;
}

interface ScheduleRunDeliveriesTable {
  run_id: string;
  position: number;
  kind: 'email' | 'webhook';
  target: Json;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  reason: string | null;
  claimed_at: MaybeTimestamp;
  finished_at: MaybeTimestamp;
}

interface KnownVintagesTable {
  dataset: string;
  load_type: string;
  load_id: string;
  seen_at: Timestamp;
}

interface AlertsTable {
  id: string;
  report_id: string;
  owner_sub: string;
  owner_name: string;
  owner_principal: Json;
  dataset: string;
  name: string;
  condition: Json;
  trigger: Json;
  deliveries: Json;
  paused: boolean;
  version: number;
  next_run_at: MaybeTimestamp;
  state: ColumnType<
    'unknown' | 'ok' | 'triggered',
    'unknown' | 'ok' | 'triggered' | undefined,
    'unknown' | 'ok' | 'triggered'
  >;
  last_checked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_triggered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

interface AlertChecksTable {
  id: string;
  alert_id: string;
  scheduled_for: Timestamp;
  cause: 'cron' | 'vintage' | 'manual';
  status: 'queued' | 'running' | 'ok' | 'triggered' | 'failed';
  transition: 'fired' | 'cleared' | null;
  values: ColumnType<unknown, string | null, string | null>;
  /** bigint: pg answers it as text. */
  row_count: ColumnType<string | null, number | null, number | null>;
  error: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  started_at: MaybeTimestamp;
  finished_at: MaybeTimestamp;
}

interface AlertCheckDeliveriesTable {
  check_id: string;
  position: number;
  kind: 'email' | 'webhook';
  target: Json;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  reason: string | null;
  claimed_at: MaybeTimestamp;
  finished_at: MaybeTimestamp;
}

interface NotificationsTable {
  id: string;
  recipient_sub: string;
  kind: 'alert.fired' | 'alert.cleared' | 'schedule.failed';
  title: string;
  body: string;
  link: string;
  alert_id: string | null;
  schedule_id: string | null;
  values: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  read_at: MaybeTimestamp;
}

/** The application database's tables, as kysely types them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** An id that is no UUID matches no row (a document, a schedule, an alert, a notification): Postgres would refuse
 * to cast it. */
export function uuidOrNone(id: string): string {
  return isUuid(id) ? id : '00000000-0000-0000-0000-000000000000';
}

export interface AppTables {
  reports: ReportsTable;
  report_versions: ReportVersionsTable;
  report_shares: ReportSharesTable;
  report_favourites: PerPersonTable;
  report_opens: PerPersonTable;
  people: PeopleTable;
  audit_events: AuditEventsTable;
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
  schedule_run_deliveries: ScheduleRunDeliveriesTable;
  known_vintages: KnownVintagesTable;
  alerts: AlertsTable;
  alert_checks: AlertChecksTable;
  alert_check_deliveries: AlertCheckDeliveriesTable;
  notifications: NotificationsTable;
}

export interface AppDatabaseOptions {
  readonly url: string;
  readonly poolMax: number;
  /** How long a request waits for a connection before it is answered UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
}

/**
 * The application database (PostgreSQL): a pool, the schema brought up to date before first use, and one rule
 * for failures: a database that cannot be reached is UNAVAILABLE (503 on the report endpoints), never a crash,
 * and nothing else in the service depends on it. Migrations run at start and again whenever they failed, so
 * the service starts while Postgres is down and catches up when it is back.
 */
export class AppDatabase {
  readonly db: Kysely<AppTables>;
  private readonly pool: Pool;
  private migrated: Promise<void> | undefined;

  constructor(options: AppDatabaseOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      // Short statements: compiling them to machine code (JIT) costs more than it saves.
      options: '-c jit=off',
    });
    // An idle connection that the server closed (restart, failover) is reported here; without a listener the
    // process would exit. The next query opens a fresh one.
    this.pool.on('error', (error) =>
      log.warn('application database connection lost', { error: error.message }),
    );
    // A connection in use (a transaction between two statements) that the server closes reports it on the client
    // itself, where the pool listens no more: without this the process exited when PostgreSQL restarted under a
    // scheduler tick (test/scheduler-outages.test.ts). Its statement fails with it (UNAVAILABLE), and the pool
    // drops the dead connection when it comes back.
    this.pool.on('connect', (client) =>
      client.on('error', (error) =>
        log.debug('application database connection lost in use', { error: error.message }),
      ),
    );
    this.db = new Kysely<AppTables>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  /** Applies the migrations not applied yet (once per process, retried after a failure). */
  migrate(): Promise<void> {
    this.migrated ??= this.runMigrations().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /** Runs `work` once the schema is current; a database that cannot be reached becomes UNAVAILABLE. */
  async run<T>(work: (db: Kysely<AppTables>) => Promise<T>): Promise<T> {
    try {
      await this.migrate();
      return await work(this.db);
    } catch (error) {
      throw asUnavailable(error);
    }
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  private async runMigrations(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    });
    // Each step runs in a transaction under Postgres's advisory lock, so replicas starting together take turns.
    const { error, results } = await migrator.migrateToLatest();
    const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success');
    if (applied.length > 0)
      log.info('application database migrated', { applied: applied.map((r) => r.migrationName) });
    // pg's own error (its code tells a database that is down), whatever realm made it.
    if (error !== undefined) throw error as Error;
  }
}

/** SQLSTATE classes of a database that is down or going away, and the socket errors of one not reachable. */
const UNREACHABLE = /^(08|57P0|53300)|^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE)$/;

function asUnavailable(error: unknown): unknown {
  if (error instanceof AuroraError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (
    (typeof code === 'string' && UNREACHABLE.test(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    log.warn('application database unavailable', { error: message });
    return new AuroraError(
      ErrorCode.UNAVAILABLE,
      'Saved reports are not available right now. Queries still work; please try again in a moment.',
    );
  }
  return error;
}

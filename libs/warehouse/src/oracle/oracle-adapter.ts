import { columnsFromCells, type BatchColumn } from '@aurora/row-batches';
import { randomBytes } from 'node:crypto';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { ORACLE_SQL } from '@aurora/sql-dialect';
import type {
  Cell,
  DatabaseAdapter,
  PoolStats,
  QueryOptions,
  QueryResult,
  Statement,
  TableColumn,
  TableRef,
  VintageValues,
} from '../adapter';
import { csvChunks } from '../csv';
import { estimateRows, partitionValues } from '../introspection';
import {
  oracleErrorCode,
  type OracleBatchBind,
  type OracleBind,
  type OracleConnection,
  type OracleDbType,
  type OracleDriver,
  type OracleExecuteOptions,
  type OraclePool,
  type OraclePoolAttributes,
} from './driver';
import {
  describeOracleTable,
  oracleKeyColumns,
  planEstimate,
  type OraclePlanEstimate,
} from './introspection';
import { fetchTypeHandlerFor, shapeRows, shapersFor } from './shape';

/** node-oracledb pool attributes Aurora exposes; each defaults as in `ORACLE_POOL_DEFAULTS`. */
export interface OraclePoolOptions {
  readonly poolMin?: number | undefined;
  readonly poolMax?: number | undefined;
  readonly poolIncrement?: number | undefined;
  /** Milliseconds a connection request may wait in the pool's queue (then NJS-040). */
  readonly queueTimeout?: number | undefined;
  /** Requests that may wait at once (beyond: NJS-076). */
  readonly queueMax?: number | undefined;
  /** Seconds a connection may sit idle before it is pinged on checkout. */
  readonly poolPingInterval?: number | undefined;
  /** Statements cached per connection. */
  readonly stmtCacheSize?: number | undefined;
}

/** Sized for 200 concurrent users on one query service; see libs/warehouse/README.md. */
export const ORACLE_POOL_DEFAULTS = {
  poolMin: 50,
  poolMax: 150,
  poolIncrement: 5,
  queueTimeout: 5000,
  queueMax: 500,
  poolPingInterval: 60,
  stmtCacheSize: 30,
} as const;

export interface OracleRetryOptions {
  /** Further attempts after a transient acquisition failure (so `retries + 1` attempts in all). */
  readonly retries?: number | undefined;
  readonly baseDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  /** [0, 1): jitter source, replaceable in tests. */
  readonly random?: (() => number) | undefined;
  /** Waits out a backoff delay; replaceable in tests, which then see the delays asked for, not wall time. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

export const ORACLE_RETRY_DEFAULTS = { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 } as const;

export interface OracleOptions {
  readonly user: string;
  readonly password: string;
  /** Easy Connect: `host:port/service`. */
  readonly connectString: string;
  readonly pool?: OraclePoolOptions | undefined;
  readonly retry?: OracleRetryOptions | undefined;
  readonly defaultTimeoutMs: number;
  /** Rows per round trip (and per batch) when streaming. */
  readonly fetchArraySize?: number | undefined;
  /** Seconds in-flight queries get to finish when the pool closes. */
  readonly closeDrainSeconds?: number | undefined;
}

/**
 * How `executeMany` binds one position: `exact` is a number sent as its text (Oracle converts it on insert,
 * so integers beyond 2^53 stay exact).
 */
export interface OracleBatchColumn {
  readonly kind: 'string' | 'exact' | 'number' | 'boolean' | 'date' | 'timestamp';
  /** Longest value of a `string` or `exact` position; default 4000. */
  readonly maxSize?: number | undefined;
}

export interface OraclePoolStatistics {
  /** Sessions the pool holds. */
  readonly open: number;
  readonly inUse: number;
  /** Requests of this adapter waiting for a connection (in the pool's queue or backing off to retry). */
  readonly waiting: number;
  /** Acquisition attempts retried after a transient failure, since the pool opened. */
  readonly retries: number;
  /** Requests that ended UNAVAILABLE because no connection could be had. */
  readonly unavailable: number;
}

/** Pool acquisition failures worth another attempt: the queue timed out, or a fresh session's connect broke. */
const TRANSIENT_ACQUIRE = new Set(['NJS-040', 'NJS-500', 'NJS-501', 'ORA-12516', 'ORA-12520']);
/** A call that ran past `callTimeout` (Thin mode) or was interrupted by `break()`. */
const INTERRUPTED = new Set(['NJS-123', 'DPI-1067', 'ORA-01013']);
/** The session is gone: give the connection back with `drop` so the pool replaces it. */
const SESSION_LOST = new Set(['NJS-500', 'NJS-501', 'NJS-003', 'ORA-03113', 'ORA-03114', 'ORA-03135']);

const CLEANUP_TIMEOUT_MS = 5000;

/**
 * Oracle through a node-oracledb pool (Thin mode). Every query: a connection from the pool (retried with
 * capped exponential backoff and jitter on transient failures only), `callTimeout` from the deadline,
 * `connection.break()` on the deadline or an abort, and the connection released on every path.
 */
export class OracleAdapter implements DatabaseAdapter {
  readonly dialect = 'oracle' as const;
  private readonly fetchTypeHandler: NonNullable<OracleExecuteOptions['fetchTypeHandler']>;
  private waiting = 0;
  private retried = 0;
  private unavailable = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly driver: OracleDriver,
    private readonly pool: OraclePool,
    private readonly options: OracleOptions,
  ) {
    this.fetchTypeHandler = fetchTypeHandlerFor(driver);
  }

  /** `driver`: `require('oracledb')` in production (see `loadOracleDriver`), a stand-in in tests. */
  static async open(driver: OracleDriver, options: OracleOptions): Promise<OracleAdapter> {
    const pool = await driver.createPool(poolAttributes(options));
    return new OracleAdapter(driver, pool, options);
  }

  async query(statement: Statement, options: QueryOptions = {}): Promise<QueryResult> {
    return this.withConnection(options, async (connection, call) => {
      const result = await call.roundTrip(connection, () =>
        connection.execute(statement.sql, binds(statement), this.executeOptions()),
      );
      const metaData = result.metaData ?? [];
      return {
        columns: metaData.map((column) => column.name),
        rows: shapeRows(result.rows ?? [], shapersFor(this.driver, metaData, options.columnTypes)),
      };
    });
  }

  /**
   * A statement that returns no rows (DDL, DML), committed on success; for tools and tests that set up
   * tables. The query path never writes.
   */
  async execute(statement: Statement, options: QueryOptions = {}): Promise<number> {
    return this.withConnection(options, async (connection, call) => {
      const result = await call.roundTrip(connection, () =>
        connection.execute(statement.sql, binds(statement), { autoCommit: true }),
      );
      return result.rowsAffected ?? 0;
    });
  }

  /**
   * One INSERT (or other DML) for many rows in one round trip, committed on success; for tools and tests that
   * load tables. Each position is bound as its column's kind: strings up to `maxSize`, numbers (a string
   * binds exact digits, e.g. integers beyond 2^53), booleans, and dates and timestamps as local-time Dates.
   */
  async executeMany(
    sql: string,
    rows: readonly (readonly OracleBatchBind[])[],
    columns: readonly OracleBatchColumn[],
    options: QueryOptions = {},
  ): Promise<number> {
    const bindDefs = columns.map((column) => ({
      type: this.bindType(column.kind),
      ...(column.kind === 'string' || column.kind === 'exact' ? { maxSize: column.maxSize ?? 4000 } : {}),
    }));
    return this.withConnection(options, async (connection, call) => {
      const result = await call.roundTrip(connection, () =>
        connection.executeMany(sql, rows, { autoCommit: true, bindDefs }),
      );
      return result.rowsAffected ?? 0;
    });
  }

  async *stream(statement: Statement, options: QueryOptions = {}): AsyncIterable<Cell[][]> {
    const call = this.call(options);
    const fetchSize = this.options.fetchArraySize ?? 1000;
    let connection: OracleConnection | undefined;
    let resultSet: { getRows(n: number): Promise<unknown[][]>; close(): Promise<void> } | undefined;
    try {
      connection = await this.acquire(call);
      const open = connection;
      const result = await call.roundTrip(open, () =>
        open.execute(statement.sql, binds(statement), {
          ...this.executeOptions(),
          resultSet: true,
          fetchArraySize: fetchSize,
        }),
      );
      const rs = result.resultSet;
      if (rs === undefined) throw new Error('the driver returned no result set for a query');
      resultSet = rs;
      const shapers = shapersFor(this.driver, rs.metaData, options.columnTypes);
      for (;;) {
        const rows = await call.roundTrip(open, () => rs.getRows(fetchSize));
        if (rows.length > 0) yield shapeRows(rows, shapers);
        // node-oracledb: fewer rows than asked for means the cursor is exhausted.
        if (rows.length < fetchSize) break;
      }
      call.check();
    } finally {
      // Also when the consumer stopped early (`return()` on the iterator: the stream's close).
      if (resultSet !== undefined && connection !== undefined) {
        connection.callTimeout = CLEANUP_TIMEOUT_MS;
        await resultSet.close().catch(() => undefined);
      }
      if (connection !== undefined) await this.release(connection, call);
      call.dispose();
    }
  }

  /** The driver gives rows, so the batches are made from the shaped cells (columnsFromCells). */
  async *batches(statement: Statement, options: QueryOptions = {}): AsyncIterable<BatchColumn[]> {
    for await (const rows of this.stream(statement, options))
      yield columnsFromCells(rows, rows[0]?.length ?? 0);
  }

  /** CSV made here, in JavaScript, from `stream`'s rows: Oracle has no COPY into a pipe this process reads. */
  streamCsv(
    statement: Statement,
    header: readonly string[],
    options: QueryOptions = {},
  ): AsyncIterable<Buffer> {
    return csvChunks(header, this.stream(statement, options));
  }

  /** The cost guard's number: the largest step cardinality of the optimizer's plan. */
  async estimateCost(statement: Statement, options: QueryOptions = {}): Promise<number> {
    return (await this.explain(statement, options)).cardinality;
  }

  /**
   * `EXPLAIN PLAN SET STATEMENT_ID = '<unique>' FOR <sql>` with the statement's own binds, then that id's
   * rows of PLAN_TABLE, which are deleted (and committed) afterwards on every path. One connection for all
   * three: PLAN_TABLE is a session-private temporary table.
   */
  async explain(statement: Statement, options: QueryOptions = {}): Promise<OraclePlanEstimate> {
    const id = `AURORA_${randomBytes(8).toString('hex').toUpperCase()}`; // ≤ 30 characters, [A-Z0-9_]
    return this.withConnection(options, async (connection, call) => {
      try {
        const explain = ORACLE_SQL.explainPlan(id, statement);
        await call.roundTrip(connection, () => connection.execute(explain.sql, binds(explain), {}));
        const planRows = ORACLE_SQL.planRows(id);
        const plan = await call.roundTrip(connection, () =>
          connection.execute(planRows.sql, binds(planRows), this.executeOptions()),
        );
        return planEstimate(shapeRows(plan.rows ?? [], shapersFor(this.driver, plan.metaData ?? [])));
      } finally {
        // Outside the deadline: the query's time may be up, the clean-up still runs (bounded on its own).
        connection.callTimeout = CLEANUP_TIMEOUT_MS;
        const deletePlan = ORACLE_SQL.deletePlan(id);
        await connection
          .execute(deletePlan.sql, binds(deletePlan), { autoCommit: true })
          .catch(() => undefined); // a release rolls the uncommitted plan rows back anyway
      }
    });
  }

  describeTable(table: TableRef): Promise<TableColumn[]> {
    return describeOracleTable((statement) => this.query(statement), table);
  }

  /** The columns of the table's primary key (or first unique key), in key order: a total order for paging. */
  keyColumns(table: TableRef): Promise<string[]> {
    return oracleKeyColumns((statement) => this.query(statement), table);
  }

  estimateRows(table: TableRef): Promise<number> {
    return estimateRows((statement) => this.query(statement), ORACLE_SQL, table);
  }

  partitionValues(table: TableRef, loadTypeColumn: string, loadIdColumn: string): Promise<VintageValues[]> {
    return partitionValues(
      (statement) => this.query(statement),
      ORACLE_SQL,
      table,
      loadTypeColumn,
      loadIdColumn,
    );
  }

  /**
   * For the pool gauges: sessions open and in use (the pool's own counts), and requests waiting for one. The
   * pool's queue (node-oracledb statistics, on) also holds requests whose caller gave up while queued; this
   * adapter's own count also holds its requests backing off before a retry: the larger of the two.
   */
  poolStats(): PoolStats {
    let queued = 0;
    try {
      queued = this.pool.getStatistics?.()?.currentQueueLength ?? 0;
    } catch {
      // the pool is closed: nothing is queued
    }
    return {
      size: this.pool.connectionsOpen,
      inUse: this.pool.connectionsInUse,
      waiting: Math.max(queued, this.waiting),
    };
  }

  /** For metrics: sessions open, in use, and requests waiting for one. */
  statistics(): OraclePoolStatistics {
    return {
      open: this.pool.connectionsOpen,
      inUse: this.pool.connectionsInUse,
      waiting: this.waiting,
      retries: this.retried,
      unavailable: this.unavailable,
    };
  }

  /** Graceful: running queries get `closeDrainSeconds` (default 10) to finish, then the pool closes. */
  close(): Promise<void> {
    this.closing ??= this.pool.close(this.options.closeDrainSeconds ?? 10);
    return this.closing;
  }

  private bindType(kind: OracleBatchColumn['kind']): OracleDbType {
    switch (kind) {
      case 'string':
      case 'exact':
        return this.driver.STRING;
      case 'number':
        return this.driver.DB_TYPE_NUMBER;
      case 'boolean':
        return this.driver.DB_TYPE_BOOLEAN;
      case 'date':
        return this.driver.DB_TYPE_DATE;
      case 'timestamp':
        return this.driver.DB_TYPE_TIMESTAMP;
    }
  }

  private executeOptions(): OracleExecuteOptions {
    return { outFormat: this.driver.OUT_FORMAT_ARRAY, fetchTypeHandler: this.fetchTypeHandler };
  }

  private call(options: QueryOptions): Call {
    return new Call(options.timeoutMs ?? this.options.defaultTimeoutMs, options.signal);
  }

  private async withConnection<R>(
    options: QueryOptions,
    work: (connection: OracleConnection, call: Call) => Promise<R>,
  ): Promise<R> {
    const call = this.call(options);
    try {
      const connection = await this.acquire(call);
      try {
        const result = await work(connection, call);
        call.check();
        return result;
      } finally {
        await this.release(connection, call);
      }
    } finally {
      call.dispose();
    }
  }

  /** A pooled connection, retrying transient failures with capped exponential backoff and full jitter. */
  private async acquire(call: Call): Promise<OracleConnection> {
    const retry = { ...ORACLE_RETRY_DEFAULTS, ...definedOnly(this.options.retry ?? {}) };
    const random = this.options.retry?.random ?? Math.random;
    const wait = this.options.retry?.sleep ?? sleep;
    this.waiting++;
    try {
      for (let attempt = 0; ; attempt++) {
        call.check();
        const pending = this.pool.getConnection();
        try {
          return await call.race(pending);
        } catch (error) {
          if (call.stopped) {
            // The request stays queued in the pool: give the connection back the moment it arrives.
            pending.then((late) => late.close({ drop: false }), noop).catch(noop);
            throw call.error();
          }
          const code = oracleErrorCode(error);
          if (code === 'NJS-076') throw this.unavailableError('The warehouse is at capacity.');
          if (code === 'NJS-065') throw this.unavailableError('The warehouse connection is shutting down.');
          if (code === undefined || !TRANSIENT_ACQUIRE.has(code)) throw error;
          if (attempt >= retry.retries)
            throw this.unavailableError('No warehouse connection became free in time.');
          const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
          const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
          if (delay >= call.remainingMs())
            throw this.unavailableError('No warehouse connection became free in time.');
          this.retried++;
          await call.race(wait(delay)).catch(() => {
            throw call.error();
          });
        }
      }
    } finally {
      this.waiting--;
    }
  }

  private unavailableError(reason: string): AuroraError {
    this.unavailable++;
    return new AuroraError(ErrorCode.UNAVAILABLE, `${reason} Try again in a moment.`);
  }

  /** Back to the pool on every path; a session that was broken mid-call or lost is dropped instead. */
  private async release(connection: OracleConnection, call: Call): Promise<void> {
    await call.settled();
    try {
      await connection.close({ drop: call.interrupted || call.sessionLost });
    } catch {
      // Already closed or broken: the pool has written the session off itself.
    }
  }
}

/** One query's deadline and abort: interrupts the running call and turns that into the right error. */
class Call {
  private reason: 'timeout' | 'aborted' | null = null;
  private readonly deadline: number;
  private readonly timer: NodeJS.Timeout;
  private connection: OracleConnection | undefined;
  private breaking: Promise<void> | undefined;
  private readonly stopListeners = new Set<() => void>();
  /** A `break()` was sent while a call was running. */
  interrupted = false;
  sessionLost = false;
  private running = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = performance.now() + timeoutMs;
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    signal?.addEventListener('abort', this.onAbort);
    if (signal?.aborted) this.stop('aborted');
  }

  get stopped(): boolean {
    return this.reason !== null;
  }

  remainingMs(): number {
    return this.deadline - performance.now();
  }

  /** One round trip: `callTimeout` = the time left, so the driver enforces the deadline even if break is lost. */
  async roundTrip<R>(connection: OracleConnection, work: () => Promise<R>): Promise<R> {
    this.check();
    this.connection = connection;
    connection.callTimeout = Math.max(1, Math.ceil(this.remainingMs()));
    this.running = true;
    try {
      const result = await work();
      this.check();
      return result;
    } catch (error) {
      this.check();
      const code = oracleErrorCode(error);
      if (code !== undefined && SESSION_LOST.has(code)) this.sessionLost = true;
      if (code !== undefined && INTERRUPTED.has(code)) {
        this.interrupted = true;
        throw this.timeoutError();
      }
      throw error;
    } finally {
      this.running = false;
    }
  }

  /** Waits for `promise`, or rejects as soon as the deadline passes or the caller aborts. */
  race<R>(promise: Promise<R>): Promise<R> {
    if (this.stopped) return Promise.reject(this.error());
    return new Promise<R>((resolve, reject) => {
      const onStop = (): void => reject(this.error());
      this.stopListeners.add(onStop);
      promise.then(resolve, reject).finally(() => this.stopListeners.delete(onStop));
    });
  }

  check(): void {
    if (this.reason !== null) throw this.error();
  }

  error(): AuroraError {
    return this.reason === 'aborted'
      ? new AuroraError(ErrorCode.UNAVAILABLE, 'The query was cancelled.')
      : this.timeoutError();
  }

  /** A break in flight completes before the connection goes back. */
  async settled(): Promise<void> {
    await this.breaking?.catch(noop);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stopListeners.clear();
  }

  private timeoutError(): AuroraError {
    return new AuroraError(
      ErrorCode.QUERY_TIMEOUT,
      `The query ran longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped. Add filters to narrow it.`,
    );
  }

  private readonly onAbort = (): void => this.stop('aborted');

  private stop(reason: 'timeout' | 'aborted'): void {
    if (this.reason !== null) return;
    this.reason = reason;
    if (this.connection !== undefined && this.running) {
      this.interrupted = true;
      this.breaking = this.connection.break();
      this.breaking.catch(noop);
    }
    for (const listener of this.stopListeners) listener();
  }
}

function poolAttributes(options: OracleOptions): OraclePoolAttributes {
  return {
    user: options.user,
    password: options.password,
    connectString: options.connectString,
    ...ORACLE_POOL_DEFAULTS,
    ...definedOnly(options.pool ?? {}),
    enableStatistics: true,
  };
}

/** Oracle has no SQL boolean before 23ai and binds big integers as text (the compiler does this already). */
function binds(statement: Statement): OracleBind[] {
  return statement.params.map((value) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  });
}

function definedOnly<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function noop(): void {
  // nothing to do
}

import { AuroraError, ErrorCode } from '@aurora/errors';
import type { BatchColumn } from '@aurora/row-batches';
import { DUCKDB_SQL } from '@aurora/sql-dialect';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
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
import { csvFromRows } from '../csv';
import { estimateRows, partitionValues } from '../introspection';
import { Pool } from '../pool';
import { describeTable, maxEstimatedCardinality } from './introspection';
import { chunkColumns } from './batches';
import { shapeRows, shapersFor } from './shape';

export interface DuckDbOptions {
  /** A database file, or `:memory:`. */
  readonly path: string;
  readonly readOnly: boolean;
  /** Connections in the pool: queries beyond this wait their turn. */
  readonly connections: number;
  /** Engine threads for the whole instance. */
  readonly threads?: number | undefined;
  readonly defaultTimeoutMs: number;
  /** Where relative file paths in views resolve (the demo's Parquet lives beside its database file). */
  readonly fileSearchPath?: string | undefined;
}

/** One DuckDB instance, a bounded pool of its connections, and a deadline on every query. */
export class DuckDbAdapter implements DatabaseAdapter {
  readonly dialect = 'duckdb' as const;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connections: readonly DuckDBConnection[],
    private readonly pool: Pool<DuckDBConnection>,
    private readonly defaultTimeoutMs: number,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbAdapter> {
    const instance = await DuckDBInstance.create(options.path, {
      access_mode: options.readOnly ? 'READ_ONLY' : 'READ_WRITE',
      // No network here: a missing extension must fail at once, not try a download.
      autoinstall_known_extensions: 'false',
      ...(options.threads === undefined ? {} : { threads: String(options.threads) }),
      ...(options.fileSearchPath === undefined ? {} : { file_search_path: options.fileSearchPath }),
    });
    const connections = await Promise.all(
      Array.from({ length: options.connections }, () => instance.connect()),
    );
    return new DuckDbAdapter(instance, connections, new Pool(connections), options.defaultTimeoutMs);
  }

  async query(statement: Statement, options: QueryOptions = {}): Promise<QueryResult> {
    return this.pool.use((connection) =>
      this.guarded(connection, options, async () => {
        const reader = await connection.runAndReadAll(statement.sql, params(statement));
        return {
          columns: reader.columnNames(),
          rows: shapeRows(reader.getRows(), shapersFor(reader.columnTypes())),
        };
      }),
    );
  }

  async *stream(statement: Statement, options: QueryOptions = {}): AsyncIterable<Cell[][]> {
    for await (const { chunk, types } of this.chunks(statement, options)) {
      yield shapeRows(chunk.getRows(), shapersFor(types));
    }
  }

  /** As `stream`, in columnar batches read from the engine's vectors (batches.ts), for sending on in binary. */
  async *batches(statement: Statement, options: QueryOptions = {}): AsyncIterable<BatchColumn[]> {
    for await (const { chunk, types } of this.chunks(statement, options)) yield chunkColumns(chunk, types);
  }

  streamCsv(
    statement: Statement,
    header: readonly string[],
    options: QueryOptions = {},
  ): AsyncIterable<Buffer> {
    return csvFromRows(header, this.stream(statement, options));
  }

  /** The engine's chunks under the deadline; a consumer that stops early interrupts the query. */
  private async *chunks(
    statement: Statement,
    options: QueryOptions,
  ): AsyncIterable<{ chunk: DuckDBDataChunk; types: DuckDBType[] }> {
    const connection = await this.pool.acquire();
    const guard = this.guard(connection, options);
    let completed = false;
    try {
      const result = await guard.run(() => connection.stream(statement.sql, params(statement)));
      const types = result.columnTypes();
      for (;;) {
        const chunk = await guard.run(() => result.fetchChunk());
        guard.check(); // an interrupt during a stream ends it silently, with an empty chunk
        if (!chunk || chunk.rowCount === 0) break;
        yield { chunk, types };
      }
      guard.check();
      completed = true;
    } finally {
      // A consumer that stops early (client gone) must not leave the engine working.
      if (!completed) connection.interrupt();
      guard.dispose();
      this.pool.release(connection);
    }
  }

  async estimateCost(statement: Statement, options: QueryOptions = {}): Promise<number> {
    const { rows } = await this.query(DUCKDB_SQL.explain(statement), options);
    return maxEstimatedCardinality(JSON.parse(String(rows[0]?.[1] ?? '[]')));
  }

  describeTable(table: TableRef): Promise<TableColumn[]> {
    return describeTable((statement) => this.query(statement), table);
  }

  estimateRows(table: TableRef): Promise<number> {
    return estimateRows((statement) => this.query(statement), DUCKDB_SQL, table);
  }

  partitionValues(table: TableRef, loadTypeColumn: string, loadIdColumn: string): Promise<VintageValues[]> {
    return partitionValues(
      (statement) => this.query(statement),
      DUCKDB_SQL,
      table,
      loadTypeColumn,
      loadIdColumn,
    );
  }

  poolStats(): PoolStats {
    return { size: this.pool.size, inUse: this.pool.inUseCount, waiting: this.pool.waitingCount };
  }

  /** Runs DDL or DML outside the deadline machinery: for set-up of generated and test warehouses. */
  async execute(sql: string, values: readonly DuckDBValue[] = []): Promise<void> {
    await this.pool.use((connection) => connection.run(sql, [...values]));
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }

  private async guarded<R>(
    connection: DuckDBConnection,
    options: QueryOptions,
    work: () => Promise<R>,
  ): Promise<R> {
    const guard = this.guard(connection, options);
    try {
      const result = await guard.run(work);
      guard.check();
      return result;
    } finally {
      guard.dispose();
    }
  }

  private guard(connection: DuckDBConnection, options: QueryOptions): Guard {
    return new Guard(connection, options.timeoutMs ?? this.defaultTimeoutMs, options.signal);
  }
}

/**
 * How often an interrupt is repeated while the driver call it was meant for is still running. DuckDB only
 * honours an interrupt while a query executes: one that lands while the statement is still being extracted,
 * prepared or bound is lost, and the query would then run to its end (found by the deadline tests).
 */
const REINTERRUPT_MS = 10;

/** Interrupts the engine on a deadline or an abort, and turns that into the right error afterwards. */
class Guard {
  private reason: 'timeout' | 'aborted' | null = null;
  private readonly timer: NodeJS.Timeout;
  /** A driver call is under way (between `run` starting and settling). */
  private inFlight = false;
  private repeater: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.interrupt('timeout'), timeoutMs);
    signal?.addEventListener('abort', this.onAbort);
    if (signal?.aborted) this.interrupt('aborted');
  }

  /** Runs one driver call; never starts one once the deadline has passed or the caller has aborted. */
  async run<R>(work: () => Promise<R>): Promise<R> {
    this.check();
    this.inFlight = true;
    try {
      return await work();
    } catch (error) {
      this.check();
      throw error;
    } finally {
      this.inFlight = false;
      this.stopRepeating();
    }
  }

  /** Throws if the query was interrupted; otherwise nothing. */
  check(): void {
    if (this.reason === 'timeout') {
      throw new AuroraError(
        ErrorCode.QUERY_TIMEOUT,
        `The query ran longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped. Add filters to narrow it.`,
      );
    }
    if (this.reason === 'aborted') throw new AuroraError(ErrorCode.UNAVAILABLE, 'The query was cancelled.');
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopRepeating();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => this.interrupt('aborted');

  private interrupt(reason: 'timeout' | 'aborted'): void {
    this.reason ??= reason;
    this.connection.interrupt();
    // Keep interrupting until the running driver call gives up: the first one may have come too early.
    if (this.inFlight && this.repeater === undefined) {
      this.repeater = setInterval(() => this.connection.interrupt(), REINTERRUPT_MS);
    }
  }

  private stopRepeating(): void {
    clearInterval(this.repeater);
    this.repeater = undefined;
  }
}

function params(statement: Statement): DuckDBValue[] {
  return [...statement.params];
}

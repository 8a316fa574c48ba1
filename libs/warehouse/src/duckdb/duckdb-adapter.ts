import type { BatchColumn } from '@aurora/row-batches';
import { DUCKDB_SQL } from '@aurora/sql-dialect';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { tmpdir } from 'node:os';
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
import { Pool } from '../pool';
import { copyCsv } from './copy-csv';
import { csvColumns, resultTypesSql } from './csv-sql';
import { Guard } from './guard';
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
  /** Where `streamCsv` makes its named pipes, each in a directory of its own (default: `os.tmpdir()`). */
  readonly pipeDirectory?: string | undefined;
}

/** One DuckDB instance, a bounded pool of its connections, and a deadline on every query. */
export class DuckDbAdapter implements DatabaseAdapter {
  readonly dialect = 'duckdb' as const;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connections: readonly DuckDBConnection[],
    private readonly pool: Pool<DuckDBConnection>,
    private readonly defaultTimeoutMs: number,
    private readonly pipeDirectory: string,
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
    return new DuckDbAdapter(
      instance,
      connections,
      new Pool(connections),
      options.defaultTimeoutMs,
      options.pipeDirectory ?? tmpdir(),
    );
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
    yield* this.held(options, (connection, guard) => rows(connection, guard, statement));
  }

  /** As `stream`, in columnar batches read from the engine's vectors (batches.ts), for sending on in binary. */
  async *batches(statement: Statement, options: QueryOptions = {}): AsyncIterable<BatchColumn[]> {
    yield* this.held(options, async function* (connection, guard) {
      for await (const { chunk, types } of chunks(connection, guard, statement))
        yield chunkColumns(chunk, types);
    });
  }

  /**
   * CSV made by the engine (COPY into a named pipe, see `copyCsv`), each value written as the JavaScript path
   * (`stream` + `csvRecord`) writes it, byte for byte. A result with a column type `csvColumns` cannot format
   * takes that JavaScript path itself, on the same connection and deadline.
   */
  async *streamCsv(
    statement: Statement,
    header: readonly string[],
    options: QueryOptions = {},
  ): AsyncIterable<Buffer> {
    const { pipeDirectory } = this;
    yield* this.held(options, async function* (connection, guard) {
      const described = await guard.run(() =>
        connection.run(resultTypesSql(statement.sql), params(statement)),
      );
      const types = described.columnTypes();
      if (types.length !== header.length) {
        throw new Error(`a CSV header of ${header.length} names for a result of ${types.length} columns`);
      }
      const columns = csvColumns(types);
      yield* columns === null
        ? csvChunks(header, rows(connection, guard, statement))
        : copyCsv(connection, guard, statement, header, columns, pipeDirectory);
    });
  }

  /** A pooled connection and a deadline for the whole of a stream, given back however the stream ends. */
  private async *held<T>(
    options: QueryOptions,
    work: (connection: DuckDBConnection, guard: Guard) => AsyncIterable<T>,
  ): AsyncIterable<T> {
    const connection = await this.pool.acquire();
    const guard = this.guard(connection, options);
    try {
      yield* work(connection, guard);
    } finally {
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

/** The statement's rows in shaped batches, on a connection and deadline the caller holds. */
async function* rows(
  connection: DuckDBConnection,
  guard: Guard,
  statement: Statement,
): AsyncIterable<Cell[][]> {
  let shapers: ReturnType<typeof shapersFor> | undefined;
  for await (const { chunk, types } of chunks(connection, guard, statement)) {
    shapers ??= shapersFor(types);
    yield shapeRows(chunk.getRows(), shapers);
  }
}

/** The engine's chunks of the statement; a consumer that stops early interrupts the query. */
async function* chunks(
  connection: DuckDBConnection,
  guard: Guard,
  statement: Statement,
): AsyncIterable<{ chunk: DuckDBDataChunk; types: DuckDBType[] }> {
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
  }
}

function params(statement: Statement): DuckDBValue[] {
  return [...statement.params];
}

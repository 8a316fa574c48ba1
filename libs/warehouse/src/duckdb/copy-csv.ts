import { csvRecord } from '@aurora/csv';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { Statement } from '../adapter';
import { CsvPipe } from './csv-pipe';
import { copyCsvSql, type CsvColumn } from './csv-sql';
import type { Guard } from './guard';

/**
 * The statement's result as CSV, written by the engine's COPY into a named pipe and read from it as the engine
 * writes. The header record goes out with the first rows. The connection stays the caller's; when this ends,
 * however it ends, the statement has settled and the pipe is gone.
 */
export async function* copyCsv(
  connection: DuckDBConnection,
  guard: Guard,
  statement: Statement,
  header: readonly string[],
  columns: readonly CsvColumn[],
  pipeDirectory: string,
): AsyncIterable<Buffer> {
  const pipe = await CsvPipe.open(pipeDirectory);
  const values: DuckDBValue[] = [...statement.params];
  const copy = guard.run(() => connection.run(copyCsvSql(statement.sql, columns, pipe.path), values));
  const settled = copy.then(
    () => pipe.writerDone(),
    (error: unknown) => pipe.fail(error),
  );
  // A deadline or an abort while the consumer holds a chunk: the engine only stops once its write returns.
  guard.onStop(() => pipe.discard());
  let completed = false;
  try {
    let pending: Buffer | null = Buffer.from(csvRecord(header));
    for (let chunk = await pipe.read(); chunk !== null; chunk = await pipe.read()) {
      yield pending === null ? chunk : Buffer.concat([pending, chunk]);
      pending = null;
    }
    await copy;
    guard.check();
    completed = true;
    if (pending !== null) yield pending;
  } finally {
    // A consumer that stops early must not leave the engine working, nor blocked on a pipe nobody reads.
    if (!completed) {
      guard.cancel();
      pipe.discard();
    }
    await settled;
    await pipe.remove();
  }
}

import { AuroraError, type ErrorCode } from '@aurora/errors';
import { DuckDbAdapter } from '../src';

/** A throwaway in-memory warehouse. Two engine threads: the machines running the tests have two cores. */
export function openMemory(
  connections: number,
  defaultTimeoutMs = 10_000,
  pipeDirectory?: string,
): Promise<DuckDbAdapter> {
  return DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections,
    threads: 2,
    defaultTimeoutMs,
    pipeDirectory,
  });
}

/**
 * A query the engine needs minutes for (10^11 rows through a cross join into one aggregate), so any quick
 * ending can only be the deadline or the abort.
 */
export const ENDLESS_AGGREGATE =
  'SELECT sum(a.range * b.range) AS s FROM range(1000000) AS a(range), range(100000) AS b(range)';

/** A billion rows, streamed: at ~0.5M rows/s converted this would take more than half an hour. */
export const HUGE_RANGE = 'SELECT range AS n FROM range(1000000000)';

/** Awaits `work`, which must reject with an AuroraError of `code`; returns it and how long it took. */
export async function rejection(
  work: () => Promise<unknown>,
  code: ErrorCode,
): Promise<{ error: AuroraError; ms: number }> {
  const started = performance.now();
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  const ms = performance.now() - started;
  expect(caught).toBeInstanceOf(AuroraError);
  expect((caught as AuroraError).code).toBe(code);
  return { error: caught as AuroraError, ms };
}

/** Drains a stream, counting rows. */
export async function drain(batches: AsyncIterable<unknown[]>): Promise<number> {
  let rows = 0;
  for await (const batch of batches) rows += batch.length;
  return rows;
}

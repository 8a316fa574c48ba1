import { SpanKind, withSpan, withSpanIterable } from '@aurora/observability';
import type { DatabaseAdapter } from '@aurora/warehouse';

/**
 * The warehouse with a CLIENT span around each engine call (query, streams, cost estimate), children of the
 * gRPC call being served. No SQL or values on the spans: the dialect, the operation and the rows.
 * Everything else passes through untouched.
 */
export function tracedWarehouse(warehouse: DatabaseAdapter): DatabaseAdapter {
  const span = (operation: string) => ({
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': warehouse.dialect, 'db.operation.name': operation },
  });
  const traced: Pick<DatabaseAdapter, 'query' | 'stream' | 'batches' | 'streamCsv' | 'estimateCost'> = {
    query: (statement, options) =>
      withSpan('warehouse query', span('query'), async (active) => {
        const result = await warehouse.query(statement, options);
        active?.setAttribute('db.response.returned_rows', result.rows.length);
        return result;
      }),
    stream: (statement, options) => {
      let rows = 0;
      return withSpanIterable(
        'warehouse stream',
        span('stream'),
        warehouse.stream(statement, options),
        (batch, active) => {
          rows += batch.length;
          active.setAttribute('db.response.returned_rows', rows);
        },
      );
    },
    batches: (statement, options) => {
      let rows = 0;
      return withSpanIterable(
        'warehouse stream',
        span('stream'),
        warehouse.batches(statement, options),
        (batch, active) => {
          rows += batch[0]?.data.length ?? 0;
          active.setAttribute('db.response.returned_rows', rows);
        },
      );
    },
    streamCsv: (statement, header, options) => {
      let bytes = 0;
      return withSpanIterable(
        'warehouse csv',
        span('copy'),
        warehouse.streamCsv(statement, header, options),
        (chunk, active) => {
          bytes += chunk.length;
          active.setAttribute('aurora.csv.bytes', bytes);
        },
      );
    },
    estimateCost: (statement, options) =>
      withSpan('warehouse estimate cost', span('explain'), () => warehouse.estimateCost(statement, options)),
  };
  return new Proxy(warehouse, {
    get(target, key) {
      if (key in traced) return traced[key as keyof typeof traced];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

import { ErrorCode } from '@aurora/errors';
import type { DuckDbAdapter } from '../src';
import { drain, ENDLESS_AGGREGATE, HUGE_RANGE, openMemory, rejection } from './support';

/** Generous: the interrupt takes effect in tens of ms, the queries below would need minutes. */
const STOPPED_WELL_BEFORE_MS = 5_000;

describe('DuckDbAdapter deadlines and cancellation (one connection: every next query reuses it)', () => {
  let adapter: DuckDbAdapter;

  beforeAll(async () => {
    adapter = await openMemory(1);
  });
  afterAll(() => adapter.close());

  async function stillUsable(): Promise<void> {
    const result = await adapter.query(
      { sql: 'SELECT $1::INTEGER + 1 AS n', params: [41] },
      { timeoutMs: 5_000 },
    );
    expect(result.rows).toEqual([[42]]);
  }

  it('interrupts a long query at its deadline with QUERY_TIMEOUT, and the connection stays usable', async () => {
    const { error, ms } = await rejection(
      () => adapter.query({ sql: ENDLESS_AGGREGATE, params: [] }, { timeoutMs: 150 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    expect(error.detail).not.toMatch(/interrupt|duckdb/i);
    await stillUsable();
  });

  it('applies the adapter default deadline when the call gives none', async () => {
    const short = await openMemory(1, 150);
    try {
      const { ms } = await rejection(
        () => short.query({ sql: ENDLESS_AGGREGATE, params: [] }),
        ErrorCode.QUERY_TIMEOUT,
      );
      expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    } finally {
      await short.close();
    }
  });

  it('stops a query even when the deadline passes while the statement is still being prepared', async () => {
    for (const timeoutMs of [0, 1, 2, 5]) {
      const { ms } = await rejection(
        () => adapter.query({ sql: ENDLESS_AGGREGATE, params: [] }, { timeoutMs }),
        ErrorCode.QUERY_TIMEOUT,
      );
      expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    }
    await stillUsable();
  });

  it('raises QUERY_TIMEOUT when a stream is interrupted, never a silently truncated result', async () => {
    let rows = 0;
    const { ms } = await rejection(async () => {
      for await (const batch of adapter.stream({ sql: HUGE_RANGE, params: [] }, { timeoutMs: 200 })) {
        rows += batch.length;
      }
    }, ErrorCode.QUERY_TIMEOUT);
    expect(rows).toBeGreaterThan(0); // rows did flow before the deadline…
    expect(rows).toBeLessThan(1_000_000_000); // …and the rest never silently went missing
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await stillUsable();
  });

  it('raises QUERY_TIMEOUT when the deadline passes while the consumer holds a batch', async () => {
    const { ms } = await rejection(async () => {
      for await (const batch of adapter.stream({ sql: HUGE_RANGE, params: [] }, { timeoutMs: 100 })) {
        expect(batch.length).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 150)); // a slow client
      }
    }, ErrorCode.QUERY_TIMEOUT);
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await stillUsable();
  });

  it('raises QUERY_TIMEOUT when the deadline passes before a streamed aggregate yields its one row', async () => {
    await rejection(
      () => drain(adapter.stream({ sql: ENDLESS_AGGREGATE, params: [] }, { timeoutMs: 150 })),
      ErrorCode.QUERY_TIMEOUT,
    );
    await stillUsable();
  });

  it('an abort interrupts a running query', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { ms } = await rejection(
      () => adapter.query({ sql: ENDLESS_AGGREGATE, params: [] }, { signal: controller.signal }),
      ErrorCode.UNAVAILABLE,
    );
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await stillUsable();
  });

  it('an already aborted signal does not start the query at all', async () => {
    const { ms } = await rejection(
      () => adapter.query({ sql: ENDLESS_AGGREGATE, params: [] }, { signal: AbortSignal.abort() }),
      ErrorCode.UNAVAILABLE,
    );
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await rejection(
      () => drain(adapter.stream({ sql: HUGE_RANGE, params: [] }, { signal: AbortSignal.abort() })),
      ErrorCode.UNAVAILABLE,
    );
    await stillUsable();
  });

  it('an abort ends a running stream with an error, not with a short result', async () => {
    const controller = new AbortController();
    let rows = 0;
    const { ms } = await rejection(async () => {
      for await (const batch of adapter.stream(
        { sql: HUGE_RANGE, params: [] },
        { signal: controller.signal },
      )) {
        rows += batch.length;
        if (rows >= 20_000) controller.abort();
      }
    }, ErrorCode.UNAVAILABLE);
    expect(rows).toBeGreaterThanOrEqual(20_000);
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await stillUsable();
  });

  it('a consumer that breaks out early gives the connection back', async () => {
    let batches = 0;
    for await (const batch of adapter.stream({ sql: HUGE_RANGE, params: [] })) {
      expect(batch[0]).toEqual([batches * batch.length]);
      if (++batches === 3) break;
    }
    expect(batches).toBe(3);
    await stillUsable();
  });

  it('a consumer that throws mid-stream gives the connection back', async () => {
    await expect(
      (async () => {
        for await (const batch of adapter.stream({ sql: HUGE_RANGE, params: [] })) {
          if (batch.length > 0) throw new Error('client gone');
        }
      })(),
    ).rejects.toThrow('client gone');
    await stillUsable();
  });

  it('a failing statement gives the connection back', async () => {
    await expect(adapter.query({ sql: 'SELECT * FROM no_such_table', params: [] })).rejects.toThrow();
    await expect(drain(adapter.stream({ sql: 'SELECT nope FROM range(3)', params: [] }))).rejects.toThrow();
    await stillUsable();
  });

  it('a query that finishes inside its deadline is not disturbed by the timer later', async () => {
    const result = await adapter.query({ sql: 'SELECT 1 AS one', params: [] }, { timeoutMs: 30 });
    expect(result.rows).toEqual([[1]]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await stillUsable();
  });
});

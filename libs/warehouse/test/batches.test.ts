// DuckDB's columnar batches (read from the engine's vectors) must give every cell exactly as the row path
// (stream, shaped per value) gives it: the binary wire may not change a single value.
import { RowBatch, encodeBatches } from '@aurora/row-batches';
import type { Cell } from '../src';
import type { DuckDbAdapter } from '../src/duckdb/duckdb-adapter';
import { openMemory } from './support';

let duck: DuckDbAdapter;
beforeAll(async () => {
  duck = await openMemory(1);
});
afterAll(() => duck.close());

async function bothPaths(sql: string): Promise<{ rows: Cell[][]; batched: Cell[][] }> {
  const statement = { sql, params: [] };
  const rows: Cell[][] = [];
  for await (const batch of duck.stream(statement)) rows.push(...batch);
  const batched: Cell[][] = [];
  for await (const columns of duck.batches(statement)) {
    const names = columns.map((_, i) => `c${i}`);
    batched.push(...RowBatch.decode(encodeBatches(names, [columns])).rows());
  }
  return { rows, batched };
}

/** Each value, and NULL, of one SQL type, through both paths. */
async function expectSame(type: string, literals: string[]): Promise<Cell[][]> {
  const values = [...literals, 'NULL'].map((literal) => `((${literal})::${type})`).join(', ');
  const { rows, batched } = await bothPaths(`SELECT v FROM (VALUES ${values}) t(v)`);
  expect(batched).toEqual(rows);
  // toEqual treats -0 and 0 alike; the cells must be the very same values.
  batched.forEach((row, i) => expect(Object.is(row[0], rows[i]?.[0])).toBe(true));
  return batched;
}

describe('DuckDB batches read back as the row path shapes them', () => {
  it('integers of every width, at their limits and around 2^53', async () => {
    await expectSame('TINYINT', ['-128', '0', '127']);
    await expectSame('UTINYINT', ['0', '255']);
    await expectSame('SMALLINT', ['-32768', '32767']);
    await expectSame('USMALLINT', ['65535']);
    await expectSame('INTEGER', ['-2147483648', '2147483647']);
    await expectSame('UINTEGER', ['4294967295']);
    const big = ['-9223372036854775808', '-9007199254740993', '-9007199254740991', '0', '9007199254740991'];
    // Either side of the 32-bit word boundaries the reader splits 64-bit values at.
    const words = ['-9007194959773697', '-9007194959773696', '-4294967297', '-1', '4294967295', '4294967296'];
    const bigints = await expectSame('BIGINT', [...big, ...words, '9007199254740992', '9223372036854775807']);
    expect(bigints.map(([cell]) => cell)).toContain('9223372036854775807');
    expect(bigints.map(([cell]) => cell)).toContain(9007199254740991);
    await expectSame('UBIGINT', ['0', '18446744073709551615']);
    await expectSame('HUGEINT', [
      '-170141183460469231731687303715884105728',
      '-9007199254740992',
      '42',
      '9007199254740991',
      '170141183460469231731687303715884105727',
    ]);
  });

  it('decimals of every storage width and scale, as the nearest double of their exact value', async () => {
    await expectSame('DECIMAL(4,2)', ['-99.99', '0.5', '12.34']);
    await expectSame('DECIMAL(9,3)', ['-999999.999', '0.001']);
    await expectSame('DECIMAL(18,2)', ['1.50', '-0.01', '9999999999999999.99', '1234567.89']);
    await expectSame('DECIMAL(18,0)', ['999999999999999999']);
    await expectSame('DECIMAL(38,10)', ['1234567890123456789012345678.0123456789', '-0.0000000001', '0']);
  });

  it('doubles and floats, with -0, the extremes and the non-finite', async () => {
    await expectSame('DOUBLE', [
      '-0.0',
      '0.1',
      '1e-7',
      '1.7976931348623157e308',
      '5e-324',
      "'NaN'",
      "'Infinity'",
      "'-Infinity'",
    ]);
    await expectSame('FLOAT', ['0.1', '-3.4e38', '1.5']);
  });

  it('text: empty versus NULL, non-ASCII, inline (≤ 12 bytes) and stored apart, very wide', async () => {
    const rows = await expectSame('VARCHAR', [
      "''",
      "'twelve bytes'",
      "'thirteen byte'",
      "'Zürich – 東京 – 🌍'",
      "'a\"b,c\r\nd'",
      `repeat('wide é ', 150000)`,
    ]);
    expect(rows[0]?.[0]).toBe('');
    expect(rows.at(-1)?.[0]).toBeNull();
    expect(String(rows[5]?.[0]).length).toBe(1_050_000);
  });

  it('booleans, dates and timestamps, including far years, fractions and infinity', async () => {
    await expectSame('BOOLEAN', ['true', 'false']);
    await expectSame('DATE', [
      "'1970-01-01'",
      "'1969-12-31'",
      "'0001-01-01'",
      "'9999-12-31'",
      "'2000-02-29'",
      "'0044-03-15 (BC)'",
      "'294247-01-10'",
      "'infinity'",
      "'-infinity'",
    ]);
    await expectSame('TIMESTAMP', [
      "'2026-11-20 10:00:00'",
      "'2026-11-20 10:00:00.5'",
      "'2026-11-20 10:00:00.000001'",
      "'1969-12-31 23:59:59.999999'",
      "'1500-01-01 00:00:00'",
      "'9999-12-31 23:59:59.999999'",
      "'0044-03-15 (BC) 12:00:00'",
      "'infinity'",
      "'-infinity'",
    ]);
  });

  it('the other types as the row path writes them', async () => {
    await expectSame('TIMESTAMP_MS', ["'2026-11-20 10:00:00.123'"]);
    await expectSame('TIMESTAMP_NS', ["'2026-11-20 10:00:00.123456789'"]);
    await expectSame('TIMESTAMPTZ', ["'2026-11-20 10:00:00+00'"]);
    await expectSame('TIME', ["'10:00:00.5'"]);
    await expectSame('INTERVAL', ["'1 year 2 days'"]);
    await expectSame('UUID', ["'1f3e8b6a-4c1d-4e8e-9a57-0c1d2e3f4a5b'"]);
    await expectSame('UHUGEINT', ['340282366920938463463374607431768211455']);
  });

  it('a many-column, many-chunk result in order, with NULLs in every column', async () => {
    const { rows, batched } = await bothPaths(`
      SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'row ' || i END AS t,
             CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.25 END AS d,
             CASE WHEN i % 7 = 0 THEN NULL ELSE (i / 100)::DECIMAL(12,2) END AS m,
             CASE WHEN i % 11 = 0 THEN NULL ELSE DATE '2020-01-01' + i::INTEGER END AS day,
             CASE WHEN i % 13 = 0 THEN NULL ELSE i % 2 = 0 END AS b
      FROM range(10000) r(i)`);
    expect(batched.length).toBe(10000);
    expect(batched).toEqual(rows);
  });
});

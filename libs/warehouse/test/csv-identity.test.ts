import type { DuckDbAdapter, Statement } from '../src';
import { expectSameBytes, seeded, usePipeDirectory, viaJavaScript, viaStreamCsv } from './csv-support';
import {
  createTable,
  decimalEdges,
  INTEGER_TYPES,
  integerValues,
  randomDecimal,
  randomDoubles,
  randomStrings,
  randomUuids,
  SPECIAL_DOUBLES,
  SPECIAL_STRINGS,
  type TextColumn,
} from './csv-values';
import { openMemory } from './support';

const DECIMALS = [
  [4, 1],
  [9, 3],
  [15, 2],
  [15, 15],
  [18, 2],
  [18, 4],
  [18, 17],
  [38, 0],
  [38, 10],
  [38, 37],
] as const;

/** Random micro- or nanoseconds since the epoch: a quarter whole seconds, a quarter whole milliseconds. */
function instants(random: () => number, count: number, limit: number, unit: 'us' | 'ns'): string[] {
  const perSecond = unit === 'us' ? 1e6 : 1e9;
  return Array.from({ length: count }, (_, k) => {
    const whole = Math.floor((random() - 0.5) * 2 * limit);
    const step = k % 4 === 0 ? perSecond : k % 4 === 1 ? perSecond / 1000 : 1;
    return `${unit}:${BigInt(Math.floor(whole / step)) * BigInt(step) + BigInt(Math.floor(random() * step))}`;
  });
}

const fromMicros = (ref: string): string =>
  `CASE WHEN starts_with(${ref}, 'us:') THEN make_timestamp(CAST(${ref}[4:] AS BIGINT)) ELSE CAST(${ref} AS TIMESTAMP) END`;
const fromNanos = (ref: string): string =>
  `CASE WHEN starts_with(${ref}, 'ns:') THEN make_timestamp_ns(CAST(${ref}[4:] AS BIGINT)) ELSE CAST(${ref} AS TIMESTAMP_NS) END`;
/** Read as UTC through its text (the ICU zone conversion overflows near the ends of the range). */
const utcFromMicros = (ref: string): string => {
  const timestamp = fromMicros(ref);
  return `CASE WHEN isinf(${timestamp}) THEN CAST(${timestamp} AS TIMESTAMPTZ) ELSE CAST(CAST(${timestamp} AS VARCHAR) || '+00' AS TIMESTAMPTZ) END`;
};

const EDGE_TIMESTAMPS = [
  'infinity', '-infinity', '290309-12-22 (BC) 00:00:00', '294247-01-10 04:00:54.775806', '0044-03-15 (BC) 12:00:00.25',
  '0001-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00', '2024-02-29 13:14:15.5',
  '9999-12-31 23:59:59.999999', '10000-01-01 00:00:00', null,
]; // prettier-ignore
const EDGE_NANOS = [
  'infinity', '-infinity', '1677-09-22 00:00:00', '2262-04-11 23:47:16.854775', '1969-12-31 23:59:59.999999999',
  '2024-02-29 13:14:15.000000001', '2024-02-29 13:14:15.1', null,
]; // prettier-ignore
const EDGE_DATES = [
  'infinity', '-infinity', '5881580-07-10', '5877642-06-25 (BC)', '0044-03-15 (BC)', '0001-01-01', '9999-12-31',
  '10000-01-01', '2024-02-29', null,
]; // prettier-ignore

describe('DuckDbAdapter.streamCsv: the bytes of the JavaScript path (stream + csvRecord), made by the engine', () => {
  let adapter: DuckDbAdapter;
  const rows: Record<string, number> = {};
  const pipes = usePipeDirectory();

  async function table(name: string, columns: Record<string, TextColumn>): Promise<void> {
    rows[name] = await createTable(adapter, name, columns);
  }

  beforeAll(async () => {
    adapter = await openMemory(2, 10_000, pipes());
    // A session zone far from UTC: the driver prints TIMESTAMPTZ in UTC whatever it is, so must the CSV.
    await adapter.execute("SET GLOBAL TimeZone = 'Asia/Kolkata'");
    const random = seeded(20261206);
    await table('integers', {
      ...Object.fromEntries(
        INTEGER_TYPES.map(([type, min, max]) => [
          `i_${type.toLowerCase()}`,
          { type, values: integerValues(random, min, max, 3000) },
        ]),
      ),
    });
    const decimalCount = 3000;
    await table(
      'decimals',
      Object.fromEntries(
        DECIMALS.map(([width, scale]) => {
          const edges = [...decimalEdges(width, scale), null];
          const drawn = Array.from({ length: decimalCount - edges.length }, () =>
            randomDecimal(random, width, scale),
          );
          return [
            `d${width}_${scale}`,
            { type: `DECIMAL(${width}, ${scale})`, values: [...edges, ...drawn] },
          ];
        }),
      ),
    );
    const doubles = [...SPECIAL_DOUBLES, ...randomDoubles(random, 20_000)];
    await table('doubles', {
      x: { type: 'DOUBLE', values: doubles },
      f: {
        type: 'FLOAT',
        values: doubles.map((x) =>
          x === null || Math.abs(Number(x)) > 3e38 ? null : String(Math.fround(Number(x))),
        ),
      },
    });
    const days = Array.from({ length: 2000 }, () => `d:${Math.floor((random() - 0.5) * 2 * 2_147_483_646)}`);
    await table('dates', {
      d: {
        type: 'DATE',
        values: [...EDGE_DATES, ...days],
        toType: (ref) =>
          `CASE WHEN starts_with(${ref}, 'd:') THEN DATE '1970-01-01' + CAST(${ref}[3:] AS INTEGER) ELSE CAST(${ref} AS DATE) END`,
      },
    });
    const micros = [...EDGE_TIMESTAMPS, ...instants(random, 3000, 9.2e18, 'us')];
    await table('timestamps', {
      us: { type: 'TIMESTAMP', values: micros, toType: fromMicros },
      tz: { type: 'TIMESTAMPTZ', values: micros, toType: utcFromMicros },
    });
    await table('coarse', {
      s: { type: 'TIMESTAMP_S', values: micros, toType: fromMicros },
      ms: { type: 'TIMESTAMP_MS', values: micros, toType: fromMicros },
    });
    await table('nanos', {
      ns: {
        type: 'TIMESTAMP_NS',
        values: [...EDGE_NANOS, ...instants(random, 3000, 9.2e18, 'ns')],
        toType: fromNanos,
      },
    });
    const strings = [...SPECIAL_STRINGS, ...randomStrings(random, 3000)];
    await table('texts', {
      t: { type: 'VARCHAR', values: strings },
      b: { type: 'BOOLEAN', values: strings.map((_, i) => (i % 3 === 2 ? null : String(i % 3 === 0))) },
      u: {
        type: 'UUID',
        values: randomUuids(random, strings.length).map((u, i) => (i % 7 === 0 ? null : u)),
      },
    });
  });
  afterAll(() => adapter.close());

  /** Streams `statement` both ways, expects the same bytes and that the engine wrote them; returns them. */
  async function same(statement: Statement, header?: readonly string[]): Promise<Buffer> {
    const names =
      header ??
      (await adapter.query({ sql: `SELECT * FROM (\n${statement.sql}\n) LIMIT 0`, params: statement.params }))
        .columns;
    const expected = await viaJavaScript(adapter, statement, names);
    const actual = await viaStreamCsv(adapter, statement, names, {}, pipes());
    expect(actual.piped).toBe(true);
    expectSameBytes(actual.bytes, expected);
    return actual.bytes;
  }

  const lines = (bytes: Buffer): number => bytes.toString('utf8').split('\r\n').length - 1;

  it.each([
    ['integers', 'every integer type at its limits, around 2^53, and at random'],
    ['decimals', 'decimals of widths 4 to 38 and scales 0 to 37, at their limits and at random'],
    ['doubles', 'doubles and floats: special values and 20,000 random ones of every magnitude'],
    ['dates', 'dates: infinite, far, BC, and random across the whole range'],
    ['timestamps', 'timestamps with and without time zone: infinite, BC, far, with and without fractions'],
    ['nanos', 'nanosecond timestamps across their range'],
    ['texts', "text with quotes, commas, CR, LF, '#', spaces, non-ASCII, a megabyte long; booleans; UUIDs"],
  ])('%s: %s', async (name) => {
    const bytes = await same({ sql: `SELECT * FROM ${name} ORDER BY i`, params: [] });
    expect(bytes.length).toBeGreaterThan(0);
    if (name !== 'texts') expect(lines(bytes)).toBe((rows[name] ?? 0) + 1); // no value has a line break
  });

  it('the aggregates the compiler writes: sum (HUGEINT, DECIMAL(38, s)), avg (DOUBLE), count, min and max', async () => {
    await same({
      sql: `SELECT i % 97 AS g, sum(i_bigint) AS s_int, sum(i_hugeint % 1000) AS s_huge, sum(d18_4) AS s_money,
                   sum(d38_10) FILTER (WHERE abs(d38_10) < 1e20) AS s_big, avg(d18_2) AS a_money, avg(i_integer) AS a_int, count(*) AS n,
                   count(DISTINCT d9_3) AS distinct_n, min(d4_1) AS lo, max(d15_15) AS hi
            FROM integers JOIN decimals USING (i) GROUP BY g ORDER BY g`,
      params: [],
    });
  });

  it('writes a header of any names as csvRecord quotes them, duplicates included', async () => {
    const bytes = await same({ sql: 'SELECT 1 AS a, 2 AS a, 3 AS b, 4 AS c, 5 AS d', params: [] }, [
      'a,b',
      'q"q',
      'line\r\nbreak',
      '#hash',
      'Zürich 東京',
    ]);
    expect(bytes.toString('utf8')).toBe('"a,b","q""q","line\r\nbreak",#hash,Zürich 東京\r\n1,2,3,4,5\r\n');
  });

  it('binds parameters, and keeps the statement order over many chunks (ORDER BY, and scan order)', async () => {
    await same({
      sql: 'SELECT range AS n, $1 || range AS label, range * $2 AS big FROM range(300000) WHERE range % $3 <> 0 ORDER BY n DESC',
      params: ['row ', 9007199254740993n, 7],
    });
    const bytes = await same({ sql: 'SELECT * FROM range(300000)', params: [] });
    expect(lines(bytes)).toBe(300001);
  });

  it('writes the header alone for an empty result', async () => {
    const bytes = await same({ sql: 'SELECT * FROM doubles WHERE i < $1', params: [0] });
    expect(bytes.toString('utf8')).toBe('i,x,f\r\n');
  });

  it('takes a statement that ends in a line comment', async () => {
    const bytes = await same({
      sql: 'SELECT 42 AS answer -- the compiler never writes one, but SQL may',
      params: [],
    });
    expect(bytes.toString('utf8')).toBe('answer\r\n42\r\n');
  });

  it('writes TIMESTAMPTZ in UTC, as the driver prints it, whatever the session time zone', async () => {
    const zone = await adapter.query({
      sql: "SELECT CAST(TIMESTAMPTZ '2020-01-01 00:00:00+00' AS VARCHAR)",
      params: [],
    });
    expect(zone.rows).toEqual([['2020-01-01 05:30:00+05:30']]); // the engine's own text would be local
    const bytes = await same({ sql: "SELECT TIMESTAMPTZ '2020-01-01 00:00:00.5+00' AS t", params: [] });
    expect(bytes.toString('utf8')).toBe('t\r\n2020-01-01T00:00:00.5+00:00\r\n');
  });

  it('takes the JavaScript path for types the engine does not format, with the same bytes', async () => {
    const statement = {
      sql: `SELECT INTERVAL 1 DAY AS i, [1, 2] AS l, {'a': 'x,y'} AS s, '\\x41'::BLOB AS b, TIME '12:00:00' AS t,
                   'q"q' AS text FROM range(3)`,
      params: [],
    };
    const header = ['i', 'l', 's', 'b', 't', 'text'];
    const actual = await viaStreamCsv(adapter, statement, header, {}, pipes());
    expect(actual.piped).toBe(false);
    expectSameBytes(actual.bytes, await viaJavaScript(adapter, statement, header));
  });

  it('takes the JavaScript path for TIMESTAMP_S and _MS, whose last second the engine cannot print', async () => {
    const statement = { sql: 'SELECT * FROM coarse ORDER BY i', params: [] };
    const header = ['i', 's', 'ms'];
    const actual = await viaStreamCsv(adapter, statement, header, {}, pipes());
    expect(actual.piped).toBe(false);
    expectSameBytes(actual.bytes, await viaJavaScript(adapter, statement, header));
    // The largest TIMESTAMP rounded to seconds: beyond the microsecond range, where CAST(… AS VARCHAR) fails.
    expect(actual.bytes.toString('utf8')).toContain(',294247-01-10T04:00:55,');
    await expect(
      adapter.query({
        sql: "SELECT CAST(s AS VARCHAR) FROM coarse WHERE s > '294247-01-10 04:00:54'",
        params: [],
      }),
    ).rejects.toThrow(/Could not convert/);
  });

  it('refuses a header that does not name every result column', async () => {
    await expect(viaStreamCsv(adapter, { sql: 'SELECT 1 AS a, 2 AS b', params: [] }, ['a'])).rejects.toThrow(
      /header of 1 names for a result of 2 columns/,
    );
    expect(adapter.poolStats().inUse).toBe(0);
  });
});

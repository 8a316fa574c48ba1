import type { DuckDbAdapter } from '../src';
import { openMemory } from './support';

/** Values come back JSON-ready, whatever the engine type: the contract of `Cell`. */
describe('DuckDbAdapter value shaping', () => {
  let adapter: DuckDbAdapter;

  beforeAll(async () => {
    adapter = await openMemory(2);
    await adapter.execute(`
      CREATE TABLE awkward (
        id BIGINT, big_id HUGEINT, unsigned_id UBIGINT, day DATE, at_us TIMESTAMP, at_ms TIMESTAMP_MS,
        at_ns TIMESTAMP_NS, at_s TIMESTAMP_S, amount DECIMAL(18, 6), ratio DECIMAL(38, 10), qty INTEGER,
        price DOUBLE, name VARCHAR, flag BOOLEAN
      )`);
    await adapter.execute(`
      INSERT INTO awkward VALUES
        (9007199254740993, 170141183460469231731687303715884105727, 18446744073709551615, DATE '2024-02-29',
         TIMESTAMP '2024-02-29 13:14:15.123456', TIMESTAMP_MS '2024-02-29 13:14:15.5',
         TIMESTAMP_NS '2024-02-29 13:14:15.123456789', TIMESTAMP_S '2024-02-29 13:14:15',
         1234567.891234, 0.1234567891, 7, 3.25, 'Zürich – 東京 🚀 «ÆØÅ» O''Brien', true),
        (9007199254740991, -9007199254740993, 0, DATE '1999-12-31', TIMESTAMP '1999-12-31 23:59:59',
         NULL, NULL, NULL, -0.000001, -98765.4321098765, -2147483648, -0.5, '', false),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });
  afterAll(() => adapter.close());

  it('shapes every column type of a table, NULLs included', async () => {
    const result = await adapter.query({ sql: 'SELECT * FROM awkward ORDER BY id NULLS LAST', params: [] });
    expect(result.columns).toEqual([
      'id',
      'big_id',
      'unsigned_id',
      'day',
      'at_us',
      'at_ms',
      'at_ns',
      'at_s',
      'amount',
      'ratio',
      'qty',
      'price',
      'name',
      'flag',
    ]);
    expect(result.rows).toEqual([
      [
        9007199254740991, // the largest safe integer is still a number
        '-9007199254740993',
        0,
        '1999-12-31',
        '1999-12-31T23:59:59',
        null,
        null,
        null,
        -0.000001,
        -98765.4321098765,
        -2147483648,
        -0.5,
        '',
        false,
      ],
      [
        '9007199254740993', // 2^53 + 1: exact, as text
        '170141183460469231731687303715884105727',
        '18446744073709551615',
        '2024-02-29',
        '2024-02-29T13:14:15.123456',
        '2024-02-29T13:14:15.5',
        '2024-02-29T13:14:15.123456789',
        '2024-02-29T13:14:15',
        1234567.891234,
        0.1234567891,
        7,
        3.25,
        "Zürich – 東京 🚀 «ÆØÅ» O'Brien",
        true,
      ],
      Array.from({ length: 14 }, () => null),
    ]);
  });

  it('gives dates as YYYY-MM-DD and timestamps as ISO 8601 that JavaScript reads back to the same instant', async () => {
    const { rows } = await adapter.query({
      sql: `SELECT DATE '0044-03-15' AS d, TIMESTAMP '2026-11-20 10:00:00' AS t, TIMESTAMPTZ '2026-11-20 10:00:00.25+00' AS tz`,
      params: [],
    });
    const [d, t, tz] = rows[0] ?? [];
    expect(d).toBe('0044-03-15');
    expect(t).toBe('2026-11-20T10:00:00');
    expect(typeof tz).toBe('string');
    expect(tz).toMatch(/^2026-11-20T10:00:00\.25(Z|[+-]\d{2}:\d{2})$/);
    expect(new Date(tz as string).toISOString()).toBe('2026-11-20T10:00:00.250Z');
    expect(new Date(`${t as string}Z`).toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('returns ids above 2^53 as exact strings and those below as numbers', async () => {
    const { rows } = await adapter.query({
      sql: `SELECT id FROM (VALUES (9007199254740992::BIGINT), (9007199254740993::BIGINT),
              (9223372036854775807::BIGINT), ('-9223372036854775808'::BIGINT), (42::BIGINT)) AS v(id)`,
      params: [],
    });
    expect(rows.map(([id]) => id)).toEqual([
      '9007199254740992', // 2^53 is not a safe integer: 2^53 + 1 would read back as it
      '9007199254740993',
      '9223372036854775807',
      '-9223372036854775808',
      42,
    ]);
  });

  it('gives SUM over integers (a HUGEINT) back as a number, and as text only beyond 2^53', async () => {
    const { rows } = await adapter.query({
      sql: `SELECT sum(qty) AS small, typeof(sum(qty)) AS type, sum(id) AS huge, count(*) AS n, avg(qty) AS mean
            FROM awkward`,
      params: [],
    });
    expect(rows).toEqual([[-2147483641, 'HUGEINT', '18014398509481984', 3, -1073741820.5]]);
    const total = await adapter.query({ sql: 'SELECT sum(range) AS s FROM range(1000001)', params: [] });
    expect(total.rows).toEqual([[500000500000]]);
  });

  it('gives decimals with many places as numbers', async () => {
    const { rows } = await adapter.query({
      sql: `SELECT 1234.5678901234::DECIMAL(18, 10), 0.12345678901234567890::DECIMAL(38, 20),
                   -0.000000001::DECIMAL(10, 9), 99999999999999.99::DECIMAL(16, 2), 1.000::DECIMAL(9, 3),
                   sum(amount) FROM awkward`,
      params: [],
    });
    expect(rows).toEqual([
      // The nearest double to each decimal (a few digits beyond 15 are the price of JSON numbers).
      [1234.5678901234, 0.12345678901234568, -1e-9, Number('99999999999999.99'), 1, 1234567.891233],
    ]);
    for (const cell of rows[0] ?? []) expect(typeof cell).toBe('number');
  });

  it('keeps non-ASCII text, quotes and the LIKE wildcards intact in both directions', async () => {
    const text = 'Ünïcødé ✓ 東京 👩‍💻 100% _under_ "dq" \'sq\' back\\slash';
    const { rows } = await adapter.query({
      sql: 'SELECT $1 AS t, strlen($1) AS bytes, $1 = $2 AS same, $1 LIKE $3 AS prefixed',
      params: [text, text.normalize('NFC'), 'Ünïcødé ✓%'],
    });
    expect(rows).toEqual([[text, Buffer.byteLength(text, 'utf8'), true, true]]);
  });

  it('binds strings, numbers, bigints and booleans as $n parameters', async () => {
    const { columns, rows } = await adapter.query({
      sql: `SELECT $1 AS s, typeof($1) AS st, $2 AS i, typeof($2) AS it, $3 AS f, typeof($3) AS ft,
                   $4 AS b, typeof($4) AS bt, $5 AS bool, typeof($5) AS boolt, $6 AS bad_b`,
      params: ['naïve', 42, 0.1, 9007199254740993n, false, -12n],
    });
    expect(columns).toEqual(['s', 'st', 'i', 'it', 'f', 'ft', 'b', 'bt', 'bool', 'boolt', 'bad_b']);
    expect(rows).toEqual([
      [
        'naïve',
        'VARCHAR',
        42,
        'INTEGER',
        0.1,
        'DOUBLE',
        '9007199254740993',
        'HUGEINT',
        false,
        'BOOLEAN',
        -12,
      ],
    ]);
  });

  it('filters on bound parameters, also on ids above 2^53 bound as bigint', async () => {
    const byId = await adapter.query({
      sql: 'SELECT name FROM awkward WHERE id = $1',
      params: [9007199254740993n],
    });
    expect(byId.rows).toEqual([["Zürich – 東京 🚀 «ÆØÅ» O'Brien"]]);
    const mixed = await adapter.query({
      sql: `SELECT count(*) FROM awkward WHERE name LIKE $1 AND flag = $2 AND qty > $3 AND day >= CAST($4 AS DATE)`,
      params: ['Zür%', true, 6.5, '2024-01-01'],
    });
    expect(mixed.rows).toEqual([[1]]);
    const injection = await adapter.query({
      sql: 'SELECT count(*) FROM awkward WHERE name = $1',
      params: ["' OR 1=1 --"],
    });
    expect(injection.rows).toEqual([[0]]);
  });

  it('streams with the same shaping as query', async () => {
    const sql = { sql: 'SELECT * FROM awkward ORDER BY id NULLS LAST', params: [] };
    const streamed = [];
    for await (const batch of adapter.stream(sql)) streamed.push(...batch);
    expect(streamed).toEqual((await adapter.query(sql)).rows);
  });
});

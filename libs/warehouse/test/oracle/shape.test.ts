import { oracleColumnTypeOf, planEstimate } from '../../src';
import { FakeOracleDb } from './fake-oracledb';
import { expectNoLeaks, openFake } from './support';

const T = new FakeOracleDb();
/** node-oracledb builds DATE/TIMESTAMP Dates in local time, TIMESTAMP WITH TIME ZONE as the instant. */
const local = (...parts: [number, number, number, number?, number?, number?, number?]): Date =>
  new Date(parts[0], parts[1] - 1, parts[2], parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0, parts[6] ?? 0);

describe('OracleAdapter value shaping (the same cells as DuckDB)', () => {
  it('shapes every Oracle type by the driver’s metaData dbType, NULLs included', async () => {
    const { db, adapter } = await openFake();
    db.on(/AWKWARD/, {
      columns: [
        { name: 'ID', dbType: T.DB_TYPE_NUMBER },
        { name: 'BIG_ID', dbType: T.DB_TYPE_NUMBER },
        { name: 'AMOUNT', dbType: T.DB_TYPE_NUMBER },
        { name: 'RATIO', dbType: T.DB_TYPE_BINARY_DOUBLE },
        { name: 'DAY', dbType: T.DB_TYPE_DATE },
        { name: 'DAY_WITH_TIME', dbType: T.DB_TYPE_DATE },
        { name: 'AT', dbType: T.DB_TYPE_TIMESTAMP },
        { name: 'AT_TZ', dbType: T.DB_TYPE_TIMESTAMP_TZ },
        { name: 'NAME', dbType: T.DB_TYPE_VARCHAR },
        { name: 'NOTES', dbType: T.DB_TYPE_CLOB },
        { name: 'HASH', dbType: T.DB_TYPE_RAW },
        { name: 'FLAG', dbType: T.DB_TYPE_BOOLEAN },
      ],
      rows: [
        [
          '9007199254740993',
          '-170141183460469231731687303715884105727',
          '1234567.891234',
          -0.5,
          local(2024, 2, 29),
          local(2024, 2, 29, 13, 14, 15),
          local(2024, 2, 29, 13, 14, 15, 120),
          new Date(Date.UTC(2024, 1, 29, 12, 14, 15, 500)),
          "Zürich – 東京 🚀 «ÆØÅ» O'Brien",
          'x'.repeat(100_000),
          Buffer.from([0xde, 0xad]),
          true,
        ],
        [
          '9007199254740991',
          '0',
          '-0.000001',
          3.25,
          local(1999, 12, 31),
          local(1999, 12, 31, 0, 0, 1),
          local(1999, 12, 31, 23, 59, 59),
          new Date(Date.UTC(1999, 11, 31)),
          '',
          '',
          Buffer.alloc(0),
          false,
        ],
        Array.from({ length: 12 }, () => null),
      ],
    });
    const result = await adapter.query({ sql: 'SELECT * FROM AWKWARD', params: [] });
    expect(result.columns).toEqual([
      'ID',
      'BIG_ID',
      'AMOUNT',
      'RATIO',
      'DAY',
      'DAY_WITH_TIME',
      'AT',
      'AT_TZ',
      'NAME',
      'NOTES',
      'HASH',
      'FLAG',
    ]);
    expect(result.rows).toEqual([
      [
        '9007199254740993', // 2^53 + 1: exact, as text
        '-170141183460469231731687303715884105727',
        1234567.891234,
        -0.5,
        '2024-02-29', // a DATE at midnight is a date
        '2024-02-29T13:14:15', // a DATE with a time keeps it
        '2024-02-29T13:14:15.12', // trailing zeros trimmed, as DuckDB prints
        '2024-02-29T12:14:15.5+00:00',
        "Zürich – 東京 🚀 «ÆØÅ» O'Brien",
        'x'.repeat(100_000), // CLOB fetched as a string, not a Lob
        'DEAD',
        true,
      ],
      [
        9007199254740991,
        0,
        -0.000001,
        3.25,
        '1999-12-31',
        '1999-12-31T00:00:01',
        '1999-12-31T23:59:59',
        '1999-12-31T00:00:00+00:00',
        '',
        '',
        '',
        false,
      ],
      Array.from({ length: 12 }, () => null),
    ]);
    // Exact text was asked for where a native value would lose information.
    const handler = db.executed[0]?.options.fetchTypeHandler;
    expect(handler?.({ name: 'N', dbType: T.DB_TYPE_NUMBER })).toEqual({ type: T.STRING });
    expect(handler?.({ name: 'C', dbType: T.DB_TYPE_CLOB })).toEqual({ type: T.STRING });
    expect(handler?.({ name: 'D', dbType: T.DB_TYPE_DATE })).toBeUndefined();
    expectNoLeaks(db);
    await adapter.close();
  });

  it('uses the catalog’s column types where Oracle is ambiguous: DATE as timestamp, NUMBER(1) as boolean', async () => {
    const { db, adapter } = await openFake();
    db.on(/HINTED/, {
      columns: [
        { name: 'LOADED_AT', dbType: T.DB_TYPE_DATE },
        { name: 'ACTIVE', dbType: T.DB_TYPE_NUMBER },
      ],
      rows: [
        [local(2024, 3, 1), '1'],
        [local(2024, 3, 1, 8, 30), '0'],
      ],
    });
    const result = await adapter.query(
      { sql: 'SELECT * FROM HINTED', params: [] },
      { columnTypes: ['timestamp', 'boolean'] },
    );
    expect(result.rows).toEqual([
      ['2024-03-01T00:00:00', true],
      ['2024-03-01T08:30:00', false],
    ]);
    await adapter.close();
  });

  it('binds as the compiler emits them: bigints as text, booleans as 1/0', async () => {
    const { db, adapter } = await openFake();
    db.on(/:1/, { columns: [{ name: 'N', dbType: T.DB_TYPE_NUMBER }], rows: [] });
    await adapter.query({
      sql: 'SELECT 1 FROM T WHERE A = :1 AND B = :2 AND C = :3',
      params: [2n ** 64n, true, 'x'],
    });
    expect(db.executed[0]?.binds).toEqual(['18446744073709551616', 1, 'x']);
    await adapter.close();
  });
});

describe('OracleAdapter EXPLAIN PLAN cost estimate', () => {
  it('explains with a unique statement id and the same binds, reads PLAN_TABLE, deletes those rows', async () => {
    const { db, adapter } = await openFake();
    const ids = new Set<string>();
    const planRows = new Map<string, unknown[][]>();
    db.on(/^EXPLAIN PLAN SET STATEMENT_ID = '([A-Z0-9_]+)' FOR /, () => {
      const sql = db.executed.at(-1)?.sql ?? '';
      const id = /STATEMENT_ID = '([A-Z0-9_]+)'/.exec(sql)?.[1] ?? '';
      ids.add(id);
      planRows.set(id, [
        ['0', '1500000', '48213'],
        ['1', '1500000', '48000'],
        ['2', '2000000000', '41000'], // a join explosion in a middle step
        ['3', null, null],
      ]);
      return { rowsAffected: 4 };
    });
    db.on(/FROM PLAN_TABLE WHERE STATEMENT_ID = :1/, (binds) => ({
      columns: [
        { name: 'ID', dbType: T.DB_TYPE_NUMBER },
        { name: 'CARDINALITY', dbType: T.DB_TYPE_NUMBER },
        { name: 'COST', dbType: T.DB_TYPE_NUMBER },
      ],
      rows: planRows.get(String(binds[0])) ?? [],
    }));
    db.on(/^DELETE FROM PLAN_TABLE/, (binds) => {
      planRows.delete(String(binds[0]));
      return { rowsAffected: 4 };
    });
    const statement = { sql: 'SELECT * FROM SALES WHERE LOAD_TYPE = :1', params: ['Actual'] };
    await expect(adapter.explain(statement)).resolves.toEqual({ cardinality: 2000000000, cost: 48213 });
    await expect(adapter.estimateCost(statement)).resolves.toBe(2000000000);
    expect(ids.size).toBe(2); // unique per call
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(30);
    expect(planRows.size).toBe(0); // cleaned up
    const [explain, read, remove] = db.executed;
    expect(explain?.sql).toMatch(/ FOR SELECT \* FROM SALES WHERE LOAD_TYPE = :1$/);
    expect(explain?.binds).toEqual(['Actual']);
    expect(remove?.options).toMatchObject({ autoCommit: true });
    expect(new Set([explain?.connection, read?.connection, remove?.connection]).size).toBe(1); // one session
    expectNoLeaks(db);
    await adapter.close();
  });

  it('still deletes the plan rows when reading them fails or the deadline passes', async () => {
    const { db, adapter } = await openFake();
    db.on(/^EXPLAIN PLAN/, { rowsAffected: 1, latencyMs: 0 });
    db.on(/FROM PLAN_TABLE WHERE/, {
      columns: [{ name: 'ID', dbType: T.DB_TYPE_NUMBER }],
      rows: [],
      latencyMs: 5000,
    });
    db.on(/^DELETE FROM PLAN_TABLE/, { rowsAffected: 1 });
    await expect(
      adapter.explain({ sql: 'SELECT 1 FROM DUAL', params: [] }, { timeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'QUERY_TIMEOUT',
    });
    expect(db.executed.map((e) => e.sql.split(' ')[0])).toEqual(['EXPLAIN', 'SELECT', 'DELETE']);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('planEstimate: largest step cardinality, root cost, NULLs ignored', () => {
    expect(planEstimate([])).toEqual({ cardinality: 0, cost: 0 });
    expect(
      planEstimate([
        [0, 10, 5],
        [1, 300, 4],
        [2, null, null],
      ]),
    ).toEqual({ cardinality: 300, cost: 5 });
  });
});

describe('OracleAdapter introspection', () => {
  it('maps ALL_TAB_COLUMNS types onto the API’s column types (unrepresentable → null)', () => {
    expect(oracleColumnTypeOf('VARCHAR2')).toBe('string');
    expect(oracleColumnTypeOf('NVARCHAR2')).toBe('string');
    expect(oracleColumnTypeOf('CHAR')).toBe('string');
    expect(oracleColumnTypeOf('CLOB')).toBe('string');
    expect(oracleColumnTypeOf('NUMBER', 0)).toBe('integer');
    expect(oracleColumnTypeOf('NUMBER', 2)).toBe('number');
    expect(oracleColumnTypeOf('NUMBER', null)).toBe('number');
    expect(oracleColumnTypeOf('BINARY_DOUBLE')).toBe('number');
    expect(oracleColumnTypeOf('FLOAT')).toBe('number');
    expect(oracleColumnTypeOf('DATE')).toBe('date');
    expect(oracleColumnTypeOf('TIMESTAMP(6)')).toBe('timestamp');
    expect(oracleColumnTypeOf('TIMESTAMP(9) WITH TIME ZONE')).toBe('timestamp');
    expect(oracleColumnTypeOf('TIMESTAMP(6) WITH LOCAL TIME ZONE')).toBe('timestamp');
    expect(oracleColumnTypeOf('BOOLEAN')).toBe('boolean');
    for (const type of [
      'BLOB',
      'RAW',
      'LONG',
      'INTERVAL DAY(2) TO SECOND(6)',
      'XMLTYPE',
      'JSON',
      'SDO_GEOMETRY',
      'ROWID',
    ])
      expect(oracleColumnTypeOf(type)).toBeNull();
  });

  it('describes a table from ALL_TAB_COLUMNS, its key from ALL_CONSTRAINTS, rows from ALL_TABLES.NUM_ROWS', async () => {
    const { db, adapter } = await openFake();
    const N = T.DB_TYPE_NUMBER;
    const V = T.DB_TYPE_VARCHAR;
    db.on(/FROM ALL_TAB_COLUMNS/, (binds) => {
      expect(binds).toEqual(['GLOBAL_SALES', 'DWH']);
      return {
        columns: ['COLUMN_NAME', 'DATA_TYPE', 'DATA_PRECISION', 'DATA_SCALE', 'NULLABLE'].map((name, i) => ({
          name,
          dbType: i === 2 || i === 3 ? N : V,
        })),
        rows: [
          ['SALE_ID', 'NUMBER', '19', '0', 'N'],
          ['AMOUNT', 'NUMBER', '18', '6', 'Y'],
          ['SOLD_ON', 'DATE', null, null, 'Y'],
          ['RECEIPT', 'BLOB', null, null, 'Y'],
        ],
      };
    });
    db.on(/FROM ALL_CONSTRAINTS/, {
      columns: [
        { name: 'COLUMN_NAME', dbType: V },
        { name: 'CONSTRAINT_TYPE', dbType: V },
        { name: 'CONSTRAINT_NAME', dbType: V },
      ],
      rows: [
        ['SALE_ID', 'P', 'SALES_PK'],
        ['LOAD_ID', 'P', 'SALES_PK'],
        ['RECEIPT_NO', 'U', 'SALES_UK'],
      ],
    });
    db.on(/FROM ALL_TABLES/, { columns: [{ name: 'NUM_ROWS', dbType: N }], rows: [['123456789']] });
    const table = { schema: 'DWH', name: 'GLOBAL_SALES' };
    await expect(adapter.describeTable(table)).resolves.toEqual([
      { name: 'SALE_ID', nativeType: 'NUMBER(19,0)', type: 'integer', nullable: false },
      { name: 'AMOUNT', nativeType: 'NUMBER(18,6)', type: 'number', nullable: true },
      { name: 'SOLD_ON', nativeType: 'DATE', type: 'date', nullable: true },
      { name: 'RECEIPT', nativeType: 'BLOB', type: null, nullable: true },
    ]);
    await expect(adapter.keyColumns(table)).resolves.toEqual(['SALE_ID', 'LOAD_ID']);
    await expect(adapter.estimateRows(table)).resolves.toBe(123456789);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('counts when there are no optimizer statistics, and lists vintages with SELECT DISTINCT', async () => {
    const { db, adapter } = await openFake();
    const V = T.DB_TYPE_VARCHAR;
    db.on(/FROM ALL_TABLES/, { columns: [{ name: 'NUM_ROWS', dbType: T.DB_TYPE_NUMBER }], rows: [[null]] });
    db.on(/^SELECT COUNT\(\*\) FROM "SALES"$/, {
      columns: [{ name: 'COUNT(*)', dbType: T.DB_TYPE_NUMBER }],
      rows: [['42']],
    });
    db.on(/^SELECT DISTINCT "LOAD_TYPE", "LOAD_ID" FROM "SALES" ORDER BY 1, 2 DESC$/, {
      columns: [
        { name: 'LOAD_TYPE', dbType: V },
        { name: 'LOAD_ID', dbType: V },
      ],
      rows: [
        ['Actual', '2024-02'],
        ['Actual', '2024-01'],
        ['Forecast', '2024-03'],
        [null, 'x'],
      ],
    });
    await expect(adapter.estimateRows({ name: 'SALES' })).resolves.toBe(42);
    expect(db.executed[0]?.binds).toEqual(['SALES', '']); // '' is NULL in Oracle: the current schema
    await expect(adapter.partitionValues({ name: 'SALES' }, 'LOAD_TYPE', 'LOAD_ID')).resolves.toEqual([
      { loadType: 'Actual', loadIds: ['2024-02', '2024-01'] },
      { loadType: 'Forecast', loadIds: ['2024-03'] },
    ]);
    await adapter.close();
  });
});

describe('OracleAdapter execute (DDL and DML for set-up tools)', () => {
  it('commits, binds like a query, returns the rows affected and releases the connection', async () => {
    const { db, adapter } = await openFake();
    db.on(/^INSERT INTO/, { rowsAffected: 1 });
    await expect(
      adapter.execute({ sql: 'INSERT INTO T (A, B) VALUES (:1, :2)', params: [2n ** 64n, true] }),
    ).resolves.toBe(1);
    expect(db.executed[0]?.binds).toEqual(['18446744073709551616', 1]);
    expect(db.executed[0]?.options).toMatchObject({ autoCommit: true });
    expectNoLeaks(db);
    await adapter.close();
  });

  it('reports a statement error as the driver gives it, and still releases', async () => {
    const { db, adapter } = await openFake();
    await expect(adapter.execute({ sql: 'DROP TABLE MISSING', params: [] })).rejects.toThrow(/^ORA-00942/);
    expectNoLeaks(db);
    await adapter.close();
  });
});

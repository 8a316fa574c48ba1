import { ErrorCode } from '@aurora/errors';
import { expectSameBytes, viaJavaScript, viaStreamCsv } from '../csv-support';
import { rejection } from '../support';
import { FakeOracleDb } from './fake-oracledb';
import { expectNoLeaks, openFake } from './support';

const T = new FakeOracleDb();
const COLUMNS = [
  { name: 'ID', dbType: T.DB_TYPE_NUMBER },
  { name: 'AMOUNT', dbType: T.DB_TYPE_NUMBER },
  { name: 'RATIO', dbType: T.DB_TYPE_BINARY_DOUBLE },
  { name: 'DAY', dbType: T.DB_TYPE_DATE },
  { name: 'AT_TZ', dbType: T.DB_TYPE_TIMESTAMP_TZ },
  { name: 'NAME', dbType: T.DB_TYPE_VARCHAR },
  { name: 'NOTES', dbType: T.DB_TYPE_CLOB },
  { name: 'FLAG', dbType: T.DB_TYPE_BOOLEAN },
];
const HEADER = COLUMNS.map((column) => column.name);

/** Rows whose fields need every kind of CSV care: quotes, commas, line breaks, big and small numbers. */
function rows(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [
    i % 5 === 0 ? '9007199254740993' : String(i),
    i % 3 === 0 ? '-0.000001' : `${i}.50`,
    i % 4 === 0 ? 1e21 : i / 7,
    new Date(2024, 1, 1 + (i % 28)),
    new Date(Date.UTC(2024, 1, 29, 12, 14, 15, i % 1000)),
    i % 6 === 0 ? null : `O'Brien, "${i}"\r\nZürich`,
    i % 2 === 0 ? 'x'.repeat(5000) : '#note',
    i % 7 === 0 ? null : i % 2 === 0,
  ]);
}

describe('OracleAdapter.streamCsv (made in JavaScript from the stream)', () => {
  it('writes exactly the bytes of csvRecord over the stream, header first, in batches', async () => {
    const { db, adapter } = await openFake({ fetchArraySize: 100 });
    db.on(/AWKWARD/, { columns: COLUMNS, rows: rows(250) });
    const statement = { sql: 'SELECT * FROM AWKWARD', params: [] };
    const actual = await viaStreamCsv(adapter, statement, HEADER);
    expectSameBytes(actual.bytes, await viaJavaScript(adapter, statement, HEADER));
    expect(actual.chunks).toBe(3); // one per fetched batch, the header with the first
    expect(actual.bytes.toString('utf8')).toMatch(
      /^ID,AMOUNT,RATIO,DAY,AT_TZ,NAME,NOTES,FLAG\r\n9007199254740993,-0\.000001,1e\+21,2024-02-01,2024-02-29T12:14:15\+00:00,,x{5000},\r\n1,1\.5,/,
    );
    expectNoLeaks(db);
    await adapter.close();
  });

  it('writes the header alone for an empty result', async () => {
    const { db, adapter } = await openFake();
    db.on(/EMPTY/, { columns: COLUMNS, rows: [] });
    const actual = await viaStreamCsv(adapter, { sql: 'SELECT * FROM EMPTY', params: [] }, HEADER);
    expect(actual.bytes.toString('utf8')).toBe('ID,AMOUNT,RATIO,DAY,AT_TZ,NAME,NOTES,FLAG\r\n');
    expectNoLeaks(db);
    await adapter.close();
  });

  it('releases when the consumer stops early, and stops at the deadline like stream', async () => {
    const { db, adapter } = await openFake({ fetchArraySize: 10 });
    db.on(/BIG/, { columns: COLUMNS, rows: rows(1000) });
    for await (const chunk of adapter.streamCsv({ sql: 'SELECT BIG FROM T', params: [] }, HEADER)) {
      expect(chunk.toString('utf8')).toMatch(/^ID,AMOUNT/);
      break;
    }
    expectNoLeaks(db);
    db.on(/SLOW/, { columns: COLUMNS, rows: rows(10), latencyMs: 500 });
    await rejection(
      () => viaStreamCsv(adapter, { sql: 'SELECT SLOW FROM T', params: [] }, HEADER, { timeoutMs: 50 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    expectNoLeaks(db);
    await adapter.close();
  });
});

import { warehouseAnswers } from '../src';
import { FakeOracleDb, ORA } from './oracle/fake-oracledb';
import { openFake } from './oracle/support';
import { openMemory } from './support';

describe('warehouseAnswers (readiness)', () => {
  it('is true while DuckDB runs a statement, false once it is closed', async () => {
    const duckdb = await openMemory(1);
    await expect(warehouseAnswers(duckdb)).resolves.toBe(true);
    await duckdb.close();
    await expect(warehouseAnswers(duckdb)).resolves.toBe(false);
  });

  it('asks Oracle with SELECT 1 FROM DUAL, and is false when no session can be had', async () => {
    const { db, adapter } = await openFake({ retry: { retries: 0 } });
    db.on(/^SELECT 1 FROM DUAL$/, {
      columns: [{ name: '1', dbType: new FakeOracleDb().DB_TYPE_NUMBER }],
      rows: [['1']],
    });
    await expect(warehouseAnswers(adapter)).resolves.toBe(true);
    db.acquireFailures.push(ORA.tableMissing());
    await expect(warehouseAnswers(adapter)).resolves.toBe(false);
    await adapter.close();
  });

  it('is false when the warehouse does not answer within the time given', async () => {
    const { db, adapter } = await openFake();
    db.on(/^SELECT 1 FROM DUAL$/, { rows: [['1']], latencyMs: 500 });
    const started = performance.now();
    await expect(warehouseAnswers(adapter, 50)).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(400);
    await adapter.close();
  });
});

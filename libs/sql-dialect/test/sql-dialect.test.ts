import { DUCKDB_SQL, ORACLE_SQL, SQL_DIALECTS } from '../src';

describe('identifier quoting per dialect', () => {
  it('DuckDB doubles a quote inside a name, so no name can break out', () => {
    expect(DUCKDB_SQL.quoteIdentifier('a"b')).toBe('"a""b"');
    expect(DUCKDB_SQL.quoteTable({ schema: 'main', name: 'sales' })).toBe('"main"."sales"');
  });

  it('Oracle keeps the catalog case and refuses a name it cannot quote', () => {
    expect(ORACLE_SQL.quoteTable({ name: 'global_sales' })).toBe('"global_sales"');
    expect(() => ORACLE_SQL.quoteIdentifier('a"b')).toThrow(/not a valid Oracle identifier/);
    expect(() => ORACLE_SQL.quoteIdentifier('a\0b')).toThrow(/not a valid Oracle identifier/);
    expect(() => ORACLE_SQL.quoteIdentifier('x'.repeat(129))).toThrow(/not a valid Oracle identifier/);
  });

  it('partition values are read with the dialect quoting every name', () => {
    expect(SQL_DIALECTS.oracle.partitionValues({ name: 'sales' }, 'load_type', 'load_id').sql).toBe(
      'SELECT DISTINCT "load_type", "load_id" FROM "sales" ORDER BY 1, 2 DESC',
    );
    expect(SQL_DIALECTS.duckdb.ping.sql).toBe('SELECT 1');
    expect(SQL_DIALECTS.oracle.ping.sql).toBe('SELECT 1 FROM DUAL');
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGolden, staleGoldenFiles } from './support/golden-files';

describe('golden files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aurora-golden-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing golden file fails, and is not written', () => {
    expect(() => checkGolden(dir, 'renamed.duckdb.sql', 'SELECT 1\n', false)).toThrow(
      /golden file renamed\.duckdb\.sql is missing: UPDATE_GOLDEN=1/,
    );
    expect(existsSync(join(dir, 'renamed.duckdb.sql'))).toBe(false);
  });

  it('a golden file that differs fails', () => {
    writeFileSync(join(dir, 'q.duckdb.sql'), 'SELECT 1\n');
    expect(() => checkGolden(dir, 'q.duckdb.sql', 'SELECT 2\n', false)).toThrow();
  });

  it('UPDATE_GOLDEN writes the file, missing or not', () => {
    checkGolden(dir, 'new.oracle.sql', 'SELECT 1 FROM DUAL\n', true);
    expect(readFileSync(join(dir, 'new.oracle.sql'), 'utf8')).toBe('SELECT 1 FROM DUAL\n');
  });

  it('lists files no case owns, and UPDATE_GOLDEN deletes them', () => {
    for (const name of ['kept.duckdb.sql', 'old-name.duckdb.sql', 'notes.txt'])
      writeFileSync(join(dir, name), '');
    const owned = new Set(['kept.duckdb.sql']);
    expect(staleGoldenFiles(dir, owned, false)).toEqual(['old-name.duckdb.sql']);
    expect(staleGoldenFiles(dir, owned, true)).toEqual([]);
    expect(existsSync(join(dir, 'old-name.duckdb.sql'))).toBe(false);
    expect(existsSync(join(dir, 'kept.duckdb.sql'))).toBe(true);
  });
});

// Row-built batches (an engine whose driver gives rows) through Arrow IPC and back: every cell the same.
import { RowBatch, columnsFromCells, encodeBatches, type Cell } from '../src';

function roundTrip(rows: Cell[][]): Cell[][] {
  const width = rows[0]?.length ?? 0;
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  return RowBatch.decode(encodeBatches(names, [columnsFromCells(rows, width)])).rows();
}

describe('row batches built from cells', () => {
  it('keep NULL apart from the empty text, and every other text as it was', () => {
    const rows: Cell[][] = [[''], [null], ['Zürich – 東京 – 🌍'], ['a"b,c\r\nd'], ['x'.repeat(2_000_000)]];
    expect(roundTrip(rows)).toEqual(rows);
  });

  it('keep integers beyond 2^53 exact: within 64 bits and beyond', () => {
    const rows: Cell[][] = [
      [9007199254740991, 1],
      ['9007199254740992', 2],
      ['-9223372036854775808', 3],
      [null, 4],
      ['170141183460469231731687303715884105727', 5],
    ];
    expect(roundTrip(rows.slice(0, 4))).toEqual(rows.slice(0, 4));
    expect(roundTrip(rows)).toEqual(rows);
  });

  it('keep doubles, booleans and NULLs', () => {
    const rows: Cell[][] = [
      [0.1, true],
      [-1e-7, false],
      [1.7976931348623157e308, null],
      [null, true],
    ];
    expect(roundTrip(rows)).toEqual(rows);
  });

  it('refuse a column that mixes text and numbers rather than guess', () => {
    expect(() => roundTrip([['a'], [1.5]])).toThrow('mixes cell kinds');
  });

  it('read cells one at a time as rows() reads them, across record batches', () => {
    const first = columnsFromCells([[1], [2]], 1);
    const second = columnsFromCells([[3]], 1);
    const batch = RowBatch.decode(encodeBatches(['n'], [first, second]));
    expect(batch.rowCount).toBe(3);
    expect([0, 1, 2].map((row) => batch.cell(row, 0))).toEqual([1, 2, 3]);
    expect(batch.rows()).toEqual([[1], [2], [3]]);
    expect(batch.rows(1, 3)).toEqual([[2], [3]]);
    expect(batch.rows(2, 10)).toEqual([[3]]);
  });
});

import type { Cell } from '@aurora/warehouse';

/**
 * Asserts two row sets are equal cell by cell. Doubles (averages) may differ in their last bits when the engine
 * adds in another order, so numbers compare with a relative tolerance of 1e-9; everything else exactly.
 */
export function expectSameRows(actual: readonly Cell[][], expected: readonly Cell[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, r) => {
    const want = expected[r] ?? [];
    expect(row).toHaveLength(want.length);
    row.forEach((cell, c) => {
      const other = want[c];
      if (typeof cell === 'number' && typeof other === 'number' && cell !== other) {
        const scale = Math.max(Math.abs(cell), Math.abs(other));
        if (Math.abs(cell - other) > scale * 1e-9) {
          throw new Error(`row ${r}, column ${c}: ${cell} is not ${other}\n${JSON.stringify(row)}`);
        }
      } else if (cell !== other) {
        throw new Error(
          `row ${r}, column ${c}: ${JSON.stringify(cell)} is not ${JSON.stringify(other)}\n` +
            `actual:   ${JSON.stringify(row)}\nexpected: ${JSON.stringify(want)}`,
        );
      }
    });
  });
}

/** Rows in a canonical order (by their JSON), for comparing results whose order is not the point. */
export function canonical(rows: readonly Cell[][]): Cell[][] {
  return rows
    .map((row) => ({ row, key: JSON.stringify(row) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ row }) => row);
}

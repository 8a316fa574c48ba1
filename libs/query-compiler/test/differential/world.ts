import type { ColumnType } from '@aurora/query-model';
import fc from 'fast-check';
import type { CatalogDataset } from '../../src';

/** A cell of a generated table, in the shape the warehouse adapter returns (dates as `YYYY-MM-DD`). */
export type Cell = string | number | boolean | null;
export type TableRow = Readonly<Record<string, Cell>>;

/** Small domains, so random filters and joins actually match, full of the awkward values real data has. */
export const DOMAINS = {
  k: [0, 1, 2, 3, 4],
  s: [
    '',
    'x',
    'X',
    'ab',
    'AB',
    'a%b',
    'a_b',
    'axb',
    "o'k",
    'q"t',
    'back\\slash',
    'é',
    'Ünï',
    '%',
    '_',
    ' pad ',
  ],
  // Dyadic fractions only: sums and averages are then exact in every engine, so order is comparable.
  n: [-1.5, 0, 0.25, 2, 10.75, 100, 3.5],
  b: [true, false],
  // Around TODAY: the same ISO week, month and quarter, the ones before, a year-end and a distant past.
  d: ['2026-01-01', '2026-02-15', '2026-11-20', '1999-12-31', '2026-11-16', '2026-10-31', '2026-11-19'],
  load_type: ['DAILY', 'MONTHLY'],
  load_id: [1, 2, 3],
} as const;

/** The date relative filters count from, in the differential tests (the compiler gets it as `today`). */
export const TODAY = '2026-11-20';

export const COLUMN_TYPES: Readonly<Record<string, ColumnType>> = {
  id: 'integer',
  k: 'integer',
  s: 'string',
  n: 'number',
  b: 'boolean',
  d: 'date',
  load_type: 'string',
  load_id: 'integer',
};

export const DATASET_IDS = ['a', 'b', 'c'] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export function columnsOf(id: DatasetId): string[] {
  return id === 'a'
    ? ['id', 'k', 's', 'n', 'b', 'd', 'load_type', 'load_id']
    : ['id', 'k', 's', 'n', 'b', 'd'];
}

export interface World {
  readonly tables: Readonly<Record<DatasetId, readonly TableRow[]>>;
  readonly catalog: readonly CatalogDataset[];
}

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { freq: 4, nil: null });

function rowsArbitrary(id: DatasetId): fc.Arbitrary<TableRow[]> {
  const row = fc.record({
    k: nullable(fc.constantFrom(...DOMAINS.k)),
    s: nullable(fc.constantFrom(...DOMAINS.s)),
    n: nullable(fc.constantFrom(...DOMAINS.n)),
    b: nullable(fc.constantFrom(...DOMAINS.b)),
    d: nullable(fc.constantFrom(...DOMAINS.d)),
    load_type: fc.constantFrom(...DOMAINS.load_type),
    load_id: fc.constantFrom(...DOMAINS.load_id),
  });
  return fc.array(row, { minLength: 2, maxLength: id === 'a' ? 16 : 10, size: 'max' }).map((rows) =>
    rows.map((r, i) => {
      const full: Record<string, Cell> = { id: i + 1, ...r };
      if (id !== 'a') {
        delete full['load_type'];
        delete full['load_id'];
      }
      return full;
    }),
  );
}

export const worldArbitrary: fc.Arbitrary<World> = fc
  .record({
    a: rowsArbitrary('a'),
    b: rowsArbitrary('b'),
    c: rowsArbitrary('c'),
    estimates: fc.tuple(...DATASET_IDS.map(() => fc.constantFrom(10, 1000, 1_000_000))),
  })
  .map(({ a, b, c, estimates }) => ({
    tables: { a, b, c },
    catalog: DATASET_IDS.map((id, i) => ({
      id,
      label: id.toUpperCase(),
      table: { name: id },
      rowEstimate: estimates[i] ?? 10,
      uniqueKey: ['id'],
      partition:
        id === 'a' ? { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: false } : null,
      columns: columnsOf(id).map((name) => ({
        name,
        label: name,
        type: COLUMN_TYPES[name] ?? 'string',
        nullable: name !== 'id',
      })),
    })),
  }));

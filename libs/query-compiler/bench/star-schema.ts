import type { ColumnType } from '@aurora/query-model';
import type { DuckDbAdapter } from '@aurora/warehouse';
import type { CatalogColumn, CatalogDataset } from '../src';

/** Every pseudo-random value is a hash of (row number, column salt, SEED): the same data on every run. */
export const SEED = 20261122;

export const DIMENSION_ROWS = { employees: 5_000, products: 500, customers: 20_000 } as const;

/** The vintage the benchmark query reads: the newest daily load, half of the fact rows. */
export const VINTAGE = { loadType: 'DAILY', loadId: '2026-11-20' } as const;

/**
 * The fact table is written load by load (as a warehouse loads it), so each load is a contiguous run of row
 * groups: 15% MONTHLY 2026-10-31, then DAILY 2026-11-18 (15%), 2026-11-19 (20%) and 2026-11-20 (50%).
 */
function salesSql(rows: number): string {
  const at = (share: number): number => Math.floor(rows * share);
  return `
CREATE TABLE sales AS
SELECT
  i + 1 AS sale_id,
  CASE WHEN i < ${at(0.15)} THEN 'MONTHLY' ELSE 'DAILY' END AS load_type,
  CASE WHEN i < ${at(0.15)} THEN DATE '2026-10-31'
       WHEN i < ${at(0.3)} THEN DATE '2026-11-18'
       WHEN i < ${at(0.5)} THEN DATE '2026-11-19'
       ELSE DATE '2026-11-20' END AS load_id,
  (1 + hash(i, 1, ${SEED}) % ${DIMENSION_ROWS.employees})::INTEGER AS employee_id,
  -- a few best sellers: a quarter of the sales go to the first 50 products
  (1 + CASE WHEN hash(i, 2, ${SEED}) % 4 = 0 THEN hash(i, 3, ${SEED}) % 50
            ELSE hash(i, 3, ${SEED}) % ${DIMENSION_ROWS.products} END)::INTEGER AS product_id,
  (1 + hash(i, 4, ${SEED}) % ${DIMENSION_ROWS.customers})::INTEGER AS customer_id,
  CASE WHEN hash(i, 5, ${SEED}) % 100 < 35 THEN 'EMEA'
       WHEN hash(i, 5, ${SEED}) % 100 < 70 THEN 'AMER'
       WHEN hash(i, 5, ${SEED}) % 100 < 90 THEN 'APAC'
       ELSE 'LATAM' END AS region,
  ['Online', 'Online', 'Retail', 'Partner', 'Phone'][1 + (hash(i, 6, ${SEED}) % 5)::INTEGER] AS channel,
  DATE '2024-01-01' + (hash(i, 7, ${SEED}) % 1035)::INTEGER AS sale_date,
  (1 + hash(i, 8, ${SEED}) % 20)::INTEGER AS quantity,
  -- mostly small tickets, a long tail of large ones: 0.0100 .. 9999.9999
  (0.01 + (hash(i, 9, ${SEED}) % 10000)::DOUBLE * (hash(i, 10, ${SEED}) % 10000)::DOUBLE / 10000.0
        + (hash(i, 11, ${SEED}) % 10000)::DOUBLE / 10000.0)::DECIMAL(18, 4) AS amount,
  ((hash(i, 12, ${SEED}) % 4000)::DOUBLE / 10000.0)::DECIMAL(5, 4) AS discount,
  hash(i, 13, ${SEED}) % 20 = 0 AS is_return,
  CASE WHEN hash(i, 14, ${SEED}) % 100 < 60 THEN NULL
       WHEN hash(i, 14, ${SEED}) % 100 < 70 THEN 'Promo spring ' || (hash(i, 15, ${SEED}) % 100)
       WHEN hash(i, 14, ${SEED}) % 100 < 75 THEN 'URGENT: deliver before noon'
       WHEN hash(i, 14, ${SEED}) % 100 < 80 THEN 'Customer asked for an urgent callback'
       WHEN hash(i, 14, ${SEED}) % 100 < 85 THEN 'test order, please ignore'
       WHEN hash(i, 14, ${SEED}) % 100 < 90 THEN ''
       ELSE 'Invoice ' || i || ' sent by post' END AS comment
FROM range(${rows}) AS t(i)`;
}

const DIMENSIONS_SQL = [
  `CREATE TABLE employees AS
SELECT
  i::INTEGER AS employee_id,
  ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas'][1 + (hash(i, 21, ${SEED}) % 10)::INTEGER]
    || ' ' || ['Smith', 'Müller', 'Rossi', 'Dubois', 'Tanaka', 'Silva', 'Novak', 'Kowalski'][1 + (hash(i, 22, ${SEED}) % 8)::INTEGER]
    AS name,
  ['Sales', 'Sales', 'Retail', 'Partners', 'Marketing', 'Support', 'Engineering', 'Finance', 'Operations']
    [1 + (hash(i, 23, ${SEED}) % 9)::INTEGER] AS department,
  ['EMEA', 'AMER', 'APAC', 'LATAM'][1 + (hash(i, 24, ${SEED}) % 4)::INTEGER] AS office_region,
  DATE '2012-01-01' + (hash(i, 25, ${SEED}) % 5100)::INTEGER AS hire_date,
  hash(i, 26, ${SEED}) % 10 <> 0 AS is_active
FROM range(1, ${DIMENSION_ROWS.employees + 1}) AS t(i)`,
  `CREATE TABLE products AS
SELECT
  i::INTEGER AS product_id,
  'Product ' || lpad(i::VARCHAR, 4, '0') AS name,
  ['Hardware', 'Software', 'Services', 'Accessories', 'Furniture', 'Office', 'Networking', 'Storage', 'Audio', 'Printing']
    [1 + (hash(i, 31, ${SEED}) % 10)::INTEGER] AS category,
  ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Generic']
    [1 + (hash(i, 32, ${SEED}) % 12)::INTEGER] AS brand,
  (1 + (hash(i, 33, ${SEED}) % 300000)::DOUBLE / 100.0)::DECIMAL(10, 2) AS list_price,
  DATE '2015-01-01' + (hash(i, 34, ${SEED}) % 4000)::INTEGER AS launched_on
FROM range(1, ${DIMENSION_ROWS.products + 1}) AS t(i)`,
  `CREATE TABLE customers AS
SELECT
  i::INTEGER AS customer_id,
  'Customer ' || i AS name,
  CASE WHEN hash(i, 41, ${SEED}) % 50 = 0 THEN NULL
       ELSE ['DE', 'FR', 'GB', 'US', 'US', 'JP', 'IN', 'BR', 'CA', 'AU', 'ES', 'IT', 'NL', 'SE', 'MX']
              [1 + (hash(i, 42, ${SEED}) % 15)::INTEGER] END AS country,
  ['Enterprise', 'SMB', 'SMB', 'Consumer', 'Consumer', 'Public'][1 + (hash(i, 43, ${SEED}) % 6)::INTEGER] AS segment,
  DATE '2018-01-01' + (hash(i, 44, ${SEED}) % 3000)::INTEGER AS customer_since
FROM range(1, ${DIMENSION_ROWS.customers + 1}) AS t(i)`,
];

/** Creates the star schema and checkpoints it, so the fact table sits compressed with its zone maps. */
export async function createStarSchema(db: DuckDbAdapter, rows: number): Promise<void> {
  for (const sql of [...DIMENSIONS_SQL, salesSql(rows)]) await db.execute(sql);
  await db.execute('CHECKPOINT');
}

const column = (name: string, type: ColumnType, format?: string): CatalogColumn => ({
  name,
  label: name
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' '),
  type,
  nullable: !name.endsWith('_id') || name === 'load_id',
  format,
});

export function starCatalog(rows: number): CatalogDataset[] {
  return [
    {
      id: 'sales',
      label: 'Sales',
      table: { name: 'sales' },
      rowEstimate: rows,
      uniqueKey: ['sale_id'],
      partition: { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: true },
      columns: [
        column('sale_id', 'integer'),
        column('load_type', 'string'),
        column('load_id', 'date'),
        column('employee_id', 'integer'),
        column('product_id', 'integer'),
        column('customer_id', 'integer'),
        column('region', 'string'),
        column('channel', 'string'),
        column('sale_date', 'date'),
        column('quantity', 'integer'),
        column('amount', 'number', 'money'),
        column('discount', 'number', 'percent'),
        column('is_return', 'boolean'),
        column('comment', 'string'),
      ],
    },
    {
      id: 'employees',
      label: 'Employees',
      table: { name: 'employees' },
      rowEstimate: DIMENSION_ROWS.employees,
      uniqueKey: ['employee_id'],
      partition: null,
      columns: [
        column('employee_id', 'integer'),
        column('name', 'string'),
        column('department', 'string'),
        column('office_region', 'string'),
        column('hire_date', 'date'),
        column('is_active', 'boolean'),
      ],
    },
    {
      id: 'products',
      label: 'Products',
      table: { name: 'products' },
      rowEstimate: DIMENSION_ROWS.products,
      uniqueKey: ['product_id'],
      partition: null,
      columns: [
        column('product_id', 'integer'),
        column('name', 'string'),
        column('category', 'string'),
        column('brand', 'string'),
        column('list_price', 'number', 'money'),
        column('launched_on', 'date'),
      ],
    },
    {
      id: 'customers',
      label: 'Customers',
      table: { name: 'customers' },
      rowEstimate: DIMENSION_ROWS.customers,
      uniqueKey: ['customer_id'],
      partition: null,
      columns: [
        column('customer_id', 'integer'),
        column('name', 'string'),
        column('country', 'string'),
        column('segment', 'string'),
        column('customer_since', 'date'),
      ],
    },
  ];
}

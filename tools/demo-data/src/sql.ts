import {
  CHANNELS,
  COMPANY_FORMS,
  COMPANY_STEMS,
  CUSTOMER_NOTES,
  DEPARTMENTS,
  FIRST_NAMES,
  LAST_NAMES,
  PLACES,
  PRODUCT_ADJECTIVES,
  PRODUCT_KINDS,
  PRODUCT_SUFFIXES,
  REGIONS,
  SALE_COMMENTS,
  SEGMENTS,
  TITLES,
} from './vocabulary';

/** The fixed seed: change it and every value changes, keep it and every run produces the same warehouse. */
export const SEED = 20_261_120;

export const EMPLOYEE_COUNT = 5_000;
export const PRODUCT_COUNT = 500;
export const CUSTOMER_COUNT = 20_000;

/** Employee ids 10001…15000 are on the roster; sales also carry ids of people who left (not on it). */
export const FIRST_EMPLOYEE_ID = 10_001;
export const FIRST_DEPARTED_EMPLOYEE_ID = FIRST_EMPLOYEE_ID + EMPLOYEE_COUNT;
export const FIRST_PRODUCT_ID = 1_001;
/** Every 25th customer (from the first) has an id above 2^53: 9007199254740993 = 2^53 + 1, then +2 each. */
export const FIRST_HUGE_CUSTOMER_ID = 9_007_199_254_740_993n;
export const FIRST_SALE_ID = 5_000_000_001;

/** The 30 daily loads end on this day; the 12 monthly loads end with the month before it. */
export const LAST_DAILY_LOAD = '2026-11-20';
export const LAST_MONTHLY_LOAD = '2026-10-31';
export const DAILY_LOADS = 30;
export const MONTHLY_LOADS = 12;
export const PARTITIONS = DAILY_LOADS + MONTHLY_LOADS;

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list literal of strings: index it 1-based, e.g. `${list(xs)}[1 + demo_pick(n, 7, ${xs.length})]`. */
function list(values: readonly string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}

/** `values[pick]` for a uniform pick keyed by row `n` and stream `stream`. */
function choose(values: readonly string[], n: string, stream: number): string {
  return `${list(values)}[1 + demo_pick(${n}, ${stream}, ${values.length})]`;
}

/**
 * Hash-based pseudo-random numbers: a 32-bit integer mix (lowbias32) of the row number, a stream number and the
 * seed. Unlike `random()` the value depends only on its inputs, so parallel execution cannot reorder it, and
 * unlike `hash()` it does not depend on the DuckDB version. Temporary: nothing of it is stored in the warehouse.
 */
export const MACROS: readonly string[] = [
  `CREATE OR REPLACE TEMP MACRO demo_mix1(x) AS ((xor(x, x >> 16) * 2146121005) & 4294967295)`,
  `CREATE OR REPLACE TEMP MACRO demo_mix2(x) AS ((xor(x, x >> 15) * 2221713035) & 4294967295)`,
  `CREATE OR REPLACE TEMP MACRO demo_mix3(x) AS xor(x, x >> 16)`,
  `CREATE OR REPLACE TEMP MACRO demo_hash(n, k) AS
     demo_mix3(demo_mix2(demo_mix1((n::UBIGINT * 2654435761 + k::UBIGINT * 2246822519 + ${SEED}) & 4294967295)))`,
  /** Uniform in [0, 1). */
  `CREATE OR REPLACE TEMP MACRO demo_rnd(n, k) AS demo_hash(n, k)::DOUBLE / 4294967296.0`,
  /** Uniform integer in [0, m). */
  `CREATE OR REPLACE TEMP MACRO demo_pick(n, k, m) AS floor(demo_rnd(n, k) * m)::BIGINT`,
  `CREATE OR REPLACE TEMP MACRO demo_customer_id(i) AS
     CASE WHEN i % 25 = 0 THEN (${FIRST_HUGE_CUSTOMER_ID} + 2 * (i // 25))::BIGINT ELSE (1000000 + i)::BIGINT END`,
];

export const EMPLOYEE_ROSTER = `
CREATE TABLE employee_roster AS
WITH base AS (
  SELECT
    range AS i,
    ${FIRST_EMPLOYEE_ID} + range AS employee_id,
    ${choose(FIRST_NAMES, 'range', 101)} AS first_name,
    ${choose(LAST_NAMES, 'range', 102)} AS last_name,
    demo_rnd(range, 103) AS r_email,
    demo_rnd(range, 104) AS r_department,
    ${choose(DEPARTMENTS, 'range', 105)} AS department,
    demo_rnd(range, 106) AS r_title,
    ${choose(TITLES, 'range', 107)} AS title,
    demo_rnd(range, 108) AS r_region,
    ${choose(REGIONS, 'range', 109)} AS region,
    demo_pick(range, 110, 9800) AS hire_day,
    demo_rnd(range, 111) AS r_salary,
    demo_rnd(range, 112) AS r_active,
    demo_pick(range, 113, 49) AS manager_pick,
    demo_rnd(range, 114) AS r_manager
  FROM range(${EMPLOYEE_COUNT})
)
SELECT
  employee_id::INTEGER AS employee_id,
  first_name,
  last_name,
  first_name || ' ' || last_name AS full_name,
  CASE
    WHEN r_email < 0.02 THEN NULL
    WHEN r_email < 0.03 THEN ''
    ELSE lower(strip_accents(first_name) || '.' || replace(strip_accents(last_name), '''', '') || '.' || employee_id)
      || '@aurora.example'
  END AS email,
  CASE WHEN r_department < 0.01 THEN NULL ELSE department END AS department,
  CASE WHEN r_title < 0.02 THEN '' WHEN r_title < 0.03 THEN NULL ELSE title END AS title,
  CASE WHEN r_region < 0.02 THEN NULL ELSE region END AS region,
  (DATE '2000-01-03' + hire_day::INTEGER) AS hire_date,
  round(38000 + r_salary * r_salary * 210000, 2)::DECIMAL(12, 2) AS salary,
  r_active >= 0.08 AS is_active,
  CASE
    WHEN i = 0 THEN NULL
    WHEN i < 50 THEN ${FIRST_EMPLOYEE_ID}
    WHEN r_manager < 0.01 THEN NULL
    ELSE ${FIRST_EMPLOYEE_ID} + 1 + manager_pick
  END::INTEGER AS manager_id
FROM base
ORDER BY employee_id`;

export const PRODUCTS = `
CREATE TABLE products AS
WITH base AS (
  SELECT
    range AS i,
    ${FIRST_PRODUCT_ID} + range AS product_id,
    demo_pick(range, 201, ${PRODUCT_KINDS.length}) AS kind,
    ${choose(PRODUCT_ADJECTIVES, 'range', 202)} AS adjective,
    ${choose(PRODUCT_SUFFIXES, 'range', 203)} AS suffix,
    demo_rnd(range, 204) AS r_price,
    demo_pick(range, 205, 4000) AS launch_day,
    demo_rnd(range, 206) AS r_discontinued,
    demo_rnd(range, 207) AS r_subcategory
  FROM range(${PRODUCT_COUNT})
)
SELECT
  product_id::INTEGER AS product_id,
  (CASE WHEN i % 17 = 0 THEN 'AUR_' ELSE 'AUR-' END)
    || upper(left(${list(PRODUCT_KINDS.map((k) => k[0]))}[1 + kind], 3)) || '-' || lpad(product_id::VARCHAR, 6, '0')
    AS sku,
  adjective || ' ' || ${list(PRODUCT_KINDS.map((k) => k[2]))}[1 + kind] || suffix AS name,
  ${list(PRODUCT_KINDS.map((k) => k[0]))}[1 + kind] AS category,
  CASE WHEN r_subcategory < 0.03 THEN NULL ELSE ${list(PRODUCT_KINDS.map((k) => k[1]))}[1 + kind] END
    AS subcategory,
  round(1.5 + r_price * r_price * 2500, 6)::DECIMAL(18, 6) AS list_price,
  (DATE '2015-01-01' + launch_day::INTEGER) AS launched_on,
  r_discontinued < 0.1 AS discontinued
FROM base
ORDER BY product_id`;

export const CUSTOMERS = `
CREATE TABLE customers AS
WITH base AS (
  SELECT
    range AS i,
    ${choose(COMPANY_STEMS, 'range', 301)} AS stem,
    ${choose(COMPANY_FORMS, 'range', 302)} AS form,
    demo_pick(range, 303, ${PLACES.length}) AS place,
    demo_rnd(range, 304) AS r_segment,
    ${choose(SEGMENTS, 'range', 305)} AS segment,
    demo_pick(range, 306, 11 * 365 * 86400) AS created_second,
    demo_pick(range, 307, 1000000) AS created_micros,
    demo_rnd(range, 308) AS r_credit,
    demo_rnd(range, 309) AS r_notes,
    ${choose(CUSTOMER_NOTES, 'range', 310)} AS note,
    demo_rnd(range, 311) AS r_city
  FROM range(${CUSTOMER_COUNT})
)
SELECT
  demo_customer_id(i) AS customer_id,
  stem || form || ' #' || (i + 1) AS name,
  ${list(PLACES.map((p) => p[0]))}[1 + place] AS country,
  CASE WHEN r_segment < 0.03 THEN NULL WHEN r_segment < 0.04 THEN '' ELSE segment END AS segment,
  CASE WHEN r_city < 0.02 THEN NULL ELSE ${list(PLACES.map((p) => p[1]))}[1 + place] END AS city,
  TIMESTAMP '2015-01-01 00:00:00' + to_seconds(created_second) + to_microseconds(created_micros) AS created_at,
  CASE WHEN r_credit < 0.05 THEN NULL ELSE round(1000 + r_credit * r_credit * 499000, 2)::DECIMAL(14, 2) END
    AS credit_limit,
  CASE WHEN r_notes < 0.5 THEN NULL WHEN r_notes < 0.6 THEN '' ELSE note END AS notes
FROM base
ORDER BY i`;

/**
 * The fact table as one SELECT over `range(rows)`: each row picks its load (the first 42 rows one per load, so
 * every partition exists), its dimension keys and its values from its own hash stream.
 */
export function salesSelect(rows: number): string {
  return `
WITH base AS (
  SELECT
    range AS n,
    CASE WHEN range < ${PARTITIONS} THEN range < ${DAILY_LOADS} ELSE demo_rnd(range, 401) < 0.5 END AS is_daily,
    CASE
      WHEN range < ${DAILY_LOADS} THEN range
      WHEN range < ${PARTITIONS} THEN range - ${DAILY_LOADS}
      WHEN demo_rnd(range, 401) < 0.5 THEN demo_pick(range, 402, ${DAILY_LOADS})
      ELSE demo_pick(range, 402, ${MONTHLY_LOADS})
    END AS slot,
    demo_rnd(range, 403) AS r_employee,
    demo_pick(range, 404, ${EMPLOYEE_COUNT}) AS employee_pick,
    demo_pick(range, 405, 300) AS departed_pick,
    ${FIRST_PRODUCT_ID} + demo_pick(range, 406, ${PRODUCT_COUNT}) AS product_id,
    demo_pick(range, 407, ${CUSTOMER_COUNT}) AS customer_pick,
    demo_rnd(range, 408) AS r_region,
    ${choose(REGIONS, 'range', 409)} AS region,
    ${choose(CHANNELS, 'range', 410)} AS channel,
    demo_pick(range, 411, 8) AS lag_pick,
    demo_rnd(range, 412) AS r_order_day,
    demo_pick(range, 413, 86400000000) AS order_micros,
    demo_rnd(range, 414) AS r_quantity,
    demo_rnd(range, 415) AS r_price,
    demo_pick(range, 416, 10) AS discount_pick,
    demo_rnd(range, 417) AS r_return,
    demo_rnd(range, 418) AS r_comment,
    ${choose(SALE_COMMENTS, 'range', 419)} AS comment
  FROM range(${rows})
),
loaded AS (
  SELECT
    *,
    CASE WHEN is_daily THEN 'DAILY' ELSE 'MONTHLY' END AS load_type,
    CASE
      WHEN is_daily THEN DATE '${LAST_DAILY_LOAD}' - slot::INTEGER
      ELSE last_day(DATE '${LAST_MONTHLY_LOAD}' - to_months(slot::INTEGER))::DATE
    END AS load_id,
    1 + floor(r_quantity * r_quantity * r_quantity * 40)::INTEGER AS units,
    [0, 0, 0, 0, 0, 0.05, 0.1, 0.125, 0.15, 0.3333][1 + discount_pick]::DECIMAL(5, 4) AS discount,
    r_return < 0.03 AS is_return
  FROM base
),
dated AS (
  SELECT
    *,
    CASE
      WHEN is_daily THEN load_id - [0, 0, 0, 0, 1, 1, 2, 3][1 + lag_pick]
      ELSE load_id - floor(r_order_day * day(load_id))::INTEGER
    END AS order_date
  FROM loaded
),
priced AS (
  SELECT
    d.*,
    round(p.list_price * (0.85 + d.r_price * 0.3), 4)::DECIMAL(18, 4) AS unit_price
  FROM dated AS d
  JOIN products AS p ON p.product_id = d.product_id
)
SELECT
  (${FIRST_SALE_ID} + n)::BIGINT AS sale_id,
  load_type,
  load_id,
  CASE
    WHEN r_employee < 0.03 THEN NULL
    WHEN r_employee < 0.08 THEN ${FIRST_DEPARTED_EMPLOYEE_ID} + departed_pick
    ELSE ${FIRST_EMPLOYEE_ID} + employee_pick
  END::INTEGER AS employee_id,
  product_id::INTEGER AS product_id,
  demo_customer_id(customer_pick) AS customer_id,
  CASE WHEN r_region < 0.02 THEN NULL ELSE region END AS region,
  channel,
  order_date,
  order_date::TIMESTAMP + to_microseconds(order_micros) AS ordered_at,
  (CASE WHEN is_return THEN -units ELSE units END)::INTEGER AS quantity,
  unit_price,
  discount,
  round((CASE WHEN is_return THEN -units ELSE units END) * unit_price * (1 - discount), 4)::DECIMAL(18, 4) AS amount,
  is_return,
  CASE WHEN r_comment < 0.45 THEN NULL WHEN r_comment < 0.55 THEN '' ELSE comment END AS comment
FROM priced
ORDER BY sale_id`;
}

/** The columns of `global_sales` in their exposed order (the Parquet files hold all but the partition keys). */
export const SALES_COLUMNS = [
  'sale_id',
  'load_type',
  'load_id',
  'employee_id',
  'product_id',
  'customer_id',
  'region',
  'channel',
  'order_date',
  'ordered_at',
  'quantity',
  'unit_price',
  'discount',
  'amount',
  'is_return',
  'comment',
] as const;

/** Relative to the data directory: readers resolve it through DuckDB's `file_search_path`. */
export const SALES_GLOB = 'global_sales/*/*/*.parquet';

export const SALES_VIEW = salesView(SALES_COLUMNS.join(', '));

/** The view of `global_sales` over its Parquet, selecting `select` (its columns, or expressions of them). */
export function salesView(select: string): string {
  return `
CREATE OR REPLACE VIEW global_sales AS
SELECT ${select}
FROM read_parquet(
  '${SALES_GLOB}',
  hive_partitioning = true,
  hive_types = {'load_type': 'VARCHAR', 'load_id': 'DATE'}
)`;
}

/** The columns of `global_sales` and of `employee_roster` (prefixed `employee_`) in `sales_with_employee`. */
export const SALES_WITH_EMPLOYEE_COLUMNS = {
  global_sales: [
    'sale_id',
    'load_type',
    'load_id',
    'employee_id',
    'region',
    'channel',
    'order_date',
    'quantity',
    'amount',
    'is_return',
  ],
  employee_roster: ['employee_id', 'full_name', 'department', 'title', 'region'],
} as const;

/**
 * The materialized view of the demo: what a nightly job would precompute, `global_sales LEFT JOIN
 * employee_roster` on the employee, unfiltered (every vintage). Ordered by vintage, so a vintage filter reads
 * only its own row groups. The catalog declares it (`materializedViews` in demo.yaml) and the planner routes
 * the queries it covers to it.
 */
export const SALES_WITH_EMPLOYEE = `
CREATE TABLE sales_with_employee AS
SELECT
  ${[
    ...SALES_WITH_EMPLOYEE_COLUMNS.global_sales.map((c) => `s.${c}`),
    ...SALES_WITH_EMPLOYEE_COLUMNS.employee_roster.map((c) => `e.${c} AS employee_${c}`),
  ].join(',\n  ')}
FROM global_sales AS s
LEFT JOIN employee_roster AS e ON s.employee_id = e.employee_id
ORDER BY s.load_type, s.load_id, s.sale_id`;

import { AuroraError, ErrorCode } from '@aurora/errors';
import { parseQuery } from '@aurora/query-model';
import { compileQuery, type CatalogView, type CompiledQuery } from '../../src';
import { DAILY, policedCatalog, SALES_CATALOG } from '../fixtures/catalog';

const options = { dialect: 'duckdb' as const, maxRowLimit: 100_000, memo: false };

function compileWith(expr: string, catalog: CatalogView = SALES_CATALOG, extra: object = {}): CompiledQuery {
  const body = {
    dataset: 'global_sales',
    vintages: DAILY,
    computed: [{ as: 'calc', expr }],
    columns: ['calc'],
    ...extra,
  };
  return compileQuery(parseQuery(body), catalog, options);
}

function refusal(build: () => unknown): AuroraError {
  try {
    build();
  } catch (error) {
    if (error instanceof AuroraError) return error;
    throw error;
  }
  throw new Error('compiled');
}

const typeOf = (expr: string): string | undefined => compileWith(expr).columns[0]?.type;

describe('type-checking calculated columns', () => {
  it.each([
    ['amount - quantity * 2', 'number'],
    ['quantity * 2 + 1', 'integer'],
    ['quantity / 2', 'number'],
    ['-quantity', 'integer'],
    ['amount > 100 AND NOT is_return', 'boolean'],
    ["is_return = true OR region <> 'EMEA'", 'boolean'],
    ['CASE WHEN quantity > 1 THEN quantity ELSE amount END', 'number'],
    ["CASE WHEN quantity > 1 THEN 'many' END", 'string'],
    ['coalesce(quantity, 0)', 'integer'],
    ['coalesce(quantity, amount, 0.5)', 'number'],
    ["nullif(region, '')", 'string'],
    ['round(amount)', 'number'],
    ['round(amount, 2)', 'number'],
    ['round(quantity, -1)', 'integer'],
    ['abs(quantity)', 'integer'],
    ['floor(amount)', 'number'],
    ['ceil(amount)', 'number'],
    ["concat(region, '/', comment)", 'string'],
    ['upper(region)', 'string'],
    ['lower(region)', 'string'],
    ['trim(comment)', 'string'],
    ['substring(region, 1, 2)', 'string'],
    ['substring(region, 2)', 'string'],
    ['length(region)', 'integer'],
    ['year(sold_at)', 'integer'],
    ['quarter(load_id)', 'integer'],
    ['month(sold_at)', 'integer'],
    ['day(load_id)', 'integer'],
    ["date_trunc('month', sold_at)", 'date'],
    ["date_trunc('hour', sold_at)", 'timestamp'],
    ["date_diff('day', load_id, DATE '2027-01-01')", 'integer'],
    ["date_add('quarter', 2, load_id)", 'date'],
    ["TIMESTAMP '2026-01-01 10:00:00'", 'timestamp'],
    ['UPPER(Region)', undefined],
  ])('%s is %s', (expr, type) => {
    if (type === undefined) {
      // Names are the catalog's, exactly; function names and keywords are case-insensitive.
      expect(refusal(() => compileWith(expr)).detail).toBe('unknown column `Region` at 1:7');
      return;
    }
    expect(typeOf(expr)).toBe(type);
  });

  it.each([
    ['amout + 1', 'unknown column `amout` at 1:1'],
    ['region + 1', 'cannot add text and number at 1:8'],
    ['amount * is_return', 'cannot multiply number and true/false at 1:8'],
    ['region > 1', 'cannot compare text and number at 1:8'],
    ['is_return < false', 'true/false values can only be compared with = or <> at 1:11'],
    ['amount AND is_return', 'AND needs true/false, not number at 1:8'],
    ['NOT region', 'NOT needs true/false, not text at 1:1'],
    ['-region', 'cannot negate text at 1:1'],
    ['CASE WHEN amount THEN 1 END', 'WHEN needs true/false, not number at 1:11'],
    ["CASE WHEN is_return THEN 1 ELSE 'x' END", 'cannot mix number and text at 1:1'],
    ['coalesce(region)', 'coalesce takes at least 2 arguments, not 1 at 1:1'],
    ['coalesce(region, 0)', 'cannot mix text and number at 1:1'],
    ['round(region)', 'round needs a number, not text at 1:7'],
    ['round(amount, 1.5)', "round's digits must be a whole-number literal at 1:15"],
    ['round(amount, quantity)', "round's digits must be a whole-number literal at 1:15"],
    ['concat(region, 1)', 'concat needs text, not number at 1:16'],
    ['length(region, 1)', 'length takes 1 argument, not 2 at 1:1'],
    ['substring(region, 0)', "substring's start must be a whole number of at least 1 at 1:19"],
    ['substring(region, quantity)', "substring's start must be a whole number of at least 1 at 1:19"],
    ['year(amount)', 'year needs a date or timestamp, not number at 1:6'],
    [
      "date_trunc('fortnight', sold_at)",
      "date_trunc's first argument is a unit: 'hour', 'day', 'week', 'month', 'quarter', 'year' at 1:12",
    ],
    ["date_trunc('hour', load_id)", 'a date has no hours: truncate it to a day or longer at 1:20'],
    [
      "date_diff('week', load_id, load_id)",
      "date_diff's first argument is a unit: 'day', 'month', 'quarter', 'year' at 1:11",
    ],
    ["date_diff('day', sold_at, load_id)", 'date_diff needs a date, not timestamp at 1:18'],
    ["date_add('day', 1.5, load_id)", 'date_add needs a whole number of days at 1:17'],
    ["DATE '2026-02-30'", "'2026-02-30' is not a valid date at 1:1"],
    ['99999999999999999999', '99999999999999999999 is out of range at 1:1'],
    ['sleep(5)', 'unknown function sleep at 1:1'],
    ['pg_sleep(5)', 'unknown function pg_sleep at 1:1'],
    ['employee_roster.name', 'unknown column `employee_roster.name` at 1:1'],
    ['calc + 1', 'unknown column `calc` at 1:1'],
  ])('refuses %j: %s, at computed[0].expr', (expr, message) => {
    const error = refusal(() => compileWith(expr));
    expect(error).toMatchObject({ code: ErrorCode.INVALID_QUERY, detail: message, path: 'computed[0].expr' });
  });

  it('refuses a masked column inside an expression, with its position', () => {
    const error = refusal(() => compileWith('length(sold_at) + 1', policedCatalog(['EMEA'])));
    expect(error).toMatchObject({ code: ErrorCode.COLUMN_MASKED, path: 'computed[0].expr' });
    expect(error.detail).toMatch(/Sold At is masked for you: it cannot be used in a calculation.*1:8/);
  });

  it('refuses a hashed column inside an expression', () => {
    const body = {
      dataset: 'customers',
      computed: [{ as: 'calc', expr: "country = 'DE'" }],
      columns: ['calc'],
    };
    const error = refusal(() => compileQuery(parseQuery(body), policedCatalog([]), options));
    expect(error).toMatchObject({ code: ErrorCode.COLUMN_MASKED, path: 'computed[0].expr' });
  });

  it('knows a column the catalog hides only as unknown', () => {
    const hiding: CatalogView = {
      ...SALES_CATALOG,
      dataset: (id) => {
        const dataset = SALES_CATALOG.dataset(id);
        return dataset && { ...dataset, columns: dataset.columns.filter((c) => c.name !== 'amount') };
      },
    };
    expect(refusal(() => compileWith('quantity + amount', hiding)).detail).toBe(
      'unknown column `amount` at 1:12',
    );
  });

  it('with joins, asks for dataset.column and accepts the calculated name bare', () => {
    const joined = {
      joins: [
        {
          dataset: 'employee_roster',
          type: 'inner',
          on: [{ left: 'global_sales.employee_id', right: 'employee_roster.employee_id' }],
        },
      ],
    };
    expect(refusal(() => compileWith('amount * 2', SALES_CATALOG, joined)).detail).toBe(
      '`amount` is ambiguous with joins: write it as dataset.column at 1:1',
    );
    const compiled = compileWith('concat(employee_roster.name, global_sales.region)', SALES_CATALOG, joined);
    expect(compiled.columns).toEqual([{ name: 'calc', label: 'Calc', type: 'string', format: undefined }]);
  });

  it('refuses a name that is already a column, and the same name twice', () => {
    const clash = {
      computed: [{ as: 'amount', expr: 'amount * 2' }],
      columns: ['amount'],
    };
    expect(refusal(() => compileWith('1', SALES_CATALOG, clash))).toMatchObject({
      code: ErrorCode.INVALID_QUERY,
      path: 'computed[0].as',
    });
    const twice = {
      computed: [
        { as: 'calc', expr: '1' },
        { as: 'calc', expr: '2' },
      ],
    };
    expect(refusal(() => compileWith('1', SALES_CATALOG, twice))).toMatchObject({ path: 'computed[1].as' });
  });

  it('binds every literal: no value of the expression appears in the SQL text', () => {
    const compiled = compileWith(
      "CASE WHEN region = 'x'' OR 1=1 --' THEN 12345 WHEN amount > 0.125 THEN length('DROP TABLE t') ELSE year(DATE '1999-12-31') END",
    );
    for (const text of ['1=1', '12345', '0.125', 'DROP', '1999']) expect(compiled.sql).not.toContain(text);
    expect(compiled.params).toEqual(
      expect.arrayContaining(["x' OR 1=1 --", 12345, 0.125, 'DROP TABLE t', '1999-12-31']),
    );
  });

  it('stops a calculation whose compiled form would explode', () => {
    // Oracle writes a predicate used as a value twice: nested 30 deep that is 2^30 copies.
    let expr = 'is_return';
    for (let i = 0; i < 30; i++) expr = `(${expr}) = (quantity > ${i})`;
    const error = refusal(() =>
      compileQuery(
        parseQuery({
          dataset: 'global_sales',
          vintages: DAILY,
          computed: [{ as: 'calc', expr }],
          columns: ['calc'],
        }),
        SALES_CATALOG,
        { ...options, dialect: 'oracle' },
      ),
    );
    expect(error).toMatchObject({ code: ErrorCode.INVALID_QUERY, path: 'computed' });
  });
});

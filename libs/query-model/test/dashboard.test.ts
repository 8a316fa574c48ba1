import { AuroraError } from '@aurora/errors';
import {
  applyDashboardFilters,
  checkFilterValues,
  DashboardFilterValuesSchema,
  parseBody,
  parseDashboardContent,
  tileBindings,
  type DashboardFilter,
  type ReportRun,
} from '../src';

const REPORT = '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90';
const tile = (overrides: Record<string, unknown> = {}) => ({
  id: 't1',
  reportId: REPORT,
  view: 'chart',
  x: 0,
  y: 0,
  w: 6,
  h: 4,
  ...overrides,
});
const FILTERS: DashboardFilter[] = [
  { id: 'vintage', kind: 'vintage', label: 'Month-end', loadType: 'MONTHLY' },
  { id: 'period', kind: 'dateRange', label: 'Order date', column: 'order_date' },
  { id: 'region', kind: 'values', label: 'Region', column: 'region' },
];
const body = (overrides: Record<string, unknown> = {}) => ({
  name: 'Month-end sales',
  tiles: [tile()],
  filters: FILTERS,
  ...overrides,
});

function refusal(input: unknown): AuroraError {
  try {
    parseDashboardContent(input);
  } catch (error) {
    if (error instanceof AuroraError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe('a dashboard body', () => {
  it('takes tiles and filters as given, with defaults for the rest', () => {
    expect(parseDashboardContent(body({ name: '  Sales  ' }))).toEqual({
      name: 'Sales',
      description: '',
      folder: '',
      tiles: [tile()],
      filters: FILTERS,
      refresh: { everySeconds: null, onVintage: false },
    });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'a\nb' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ description: 'x'.repeat(2_001) }, 'description'],
    [{ folder: 'x'.repeat(201) }, 'folder'],
    [{ tiles: [tile({ w: 0 })] }, 'tiles[0].w'],
    [{ tiles: [tile({ w: 13 })] }, 'tiles[0].w'],
    [{ tiles: [tile({ x: 8, w: 6 })] }, 'tiles[0].w'],
    [{ tiles: [tile({ x: -1 })] }, 'tiles[0].x'],
    [{ tiles: [tile({ x: 1.5 })] }, 'tiles[0].x'],
    [{ tiles: [tile({ h: 13 })] }, 'tiles[0].h'],
    [{ tiles: [tile({ y: 201 })] }, 'tiles[0].y'],
    [{ tiles: [tile({ view: 'pie' })] }, 'tiles[0].view'],
    [{ tiles: [tile({ reportId: 'nope' })] }, 'tiles[0].reportId'],
    [{ tiles: [tile({ id: 'a b' })] }, 'tiles[0].id'],
    [{ tiles: [tile({ id: 'x'.repeat(41) })] }, 'tiles[0].id'],
    [{ tiles: [tile({ title: 'x'.repeat(201) })] }, 'tiles[0].title'],
    [{ tiles: [tile(), tile({ x: 6 })] }, 'tiles[1].id'],
    [{ tiles: Array.from({ length: 25 }, (_, i) => tile({ id: `t${i}` })) }, 'tiles'],
    [{ tiles: [tile({ extra: 1 })] }, 'tiles[0].extra'],
    [{ filters: [...FILTERS, { ...FILTERS[1], kind: 'values' }] }, 'filters[3].id'],
    [{ filters: [{ id: 'f', kind: 'slider', label: 'x' }] }, 'filters[0].kind'],
    [{ filters: [{ ...FILTERS[1], column: 'sales.order_date' }] }, 'filters[0].column'],
    [{ filters: [{ ...FILTERS[0], label: '' }] }, 'filters[0].label'],
    [{ filters: Array.from({ length: 11 }, (_, i) => ({ ...FILTERS[2], id: `f${i}` })) }, 'filters'],
    [{ refresh: { everySeconds: 59, onVintage: false } }, 'refresh.everySeconds'],
    [{ refresh: { everySeconds: 86_401, onVintage: false } }, 'refresh.everySeconds'],
    [{ refresh: { everySeconds: null } }, 'refresh.onVintage'],
    [{ owner: 'me' }, 'owner'],
  ])('refuses bad body %# at its path', (overrides, path) => {
    const error = refusal(body(overrides));
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.path).toBe(path);
  });

  it('takes the bounds themselves', () => {
    const tiles = Array.from({ length: 24 }, (_, i) => tile({ id: `t${i}`, x: 11, w: 1, y: 200, h: 12 }));
    expect(
      parseDashboardContent(body({ tiles, refresh: { everySeconds: 60, onVintage: true } })).tiles,
    ).toHaveLength(24);
  });
});

const salesColumns: Record<string, { name: string; type: string }[]> = {
  sales: [
    { name: 'order_date', type: 'date' },
    { name: 'region', type: 'string' },
    { name: 'net_amount', type: 'number' },
  ],
  events: [
    { name: 'order_date', type: 'timestamp' },
    { name: 'kind', type: 'string' },
  ],
  customers: [{ name: 'region', type: 'string' }],
};
const columnsOf = (dataset: string) => salesColumns[dataset];

const sales: ReportRun = {
  query: {
    dataset: 'sales',
    filter: {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'net_amount', operator: '>', value: 0 }],
    },
    aggregate: { groupBy: ['region'], measures: [{ fn: 'sum', column: 'net_amount', as: 'net' }] },
  },
  vintages: { sales: { policy: 'latest', loadType: 'MONTHLY' } },
};

describe('the binding rule', () => {
  it('binds a vintage filter to reports picking that Load Type, and column filters by bare name', () => {
    expect(Object.fromEntries(tileBindings(sales, FILTERS, columnsOf))).toEqual({
      vintage: { kind: 'vintage', loadType: 'MONTHLY' },
      period: { kind: 'dateRange', reference: 'sales.order_date', type: 'date' },
      region: { kind: 'values', reference: 'sales.region' },
    });
  });

  it('finds a column in a joined dataset, and binds a date range to dates and timestamps only', () => {
    const events: ReportRun = {
      query: {
        dataset: 'events',
        joins: [{ dataset: 'customers', type: 'left', on: [{ left: 'kind', right: 'region' }] }],
        columns: ['kind'],
      },
      vintages: { events: { policy: 'latest', loadType: 'DAILY' } },
    };
    const byRegionAsDate: DashboardFilter = { id: 'bad', kind: 'dateRange', label: 'x', column: 'region' };
    expect(Object.fromEntries(tileBindings(events, [...FILTERS, byRegionAsDate], columnsOf))).toEqual({
      period: { kind: 'dateRange', reference: 'events.order_date', type: 'timestamp' },
      region: { kind: 'values', reference: 'customers.region' },
    });
  });

  it('binds nothing the viewer cannot see in the catalog', () => {
    expect(tileBindings(sales, FILTERS, () => undefined).size).toBe(1); // the vintage alone
  });
});

describe('applying filter values', () => {
  const bindings = tileBindings(sales, FILTERS, columnsOf);

  it('pins the vintage, and ANDs the range and the values onto the report filter', () => {
    const applied = applyDashboardFilters(sales, bindings, {
      vintage: { loadId: '2026-10-31' },
      period: { from: '2026-01-01', to: '2026-03-31' },
      region: { values: ['EMEA', 'APAC'] },
    });
    expect(applied.vintages).toEqual({
      sales: { policy: 'pinned', loadType: 'MONTHLY', loadId: '2026-10-31' },
    });
    expect(applied.query.filter).toEqual({
      kind: 'group',
      op: 'and',
      items: [
        { kind: 'condition', column: 'net_amount', operator: '>', value: 0 },
        {
          kind: 'condition',
          column: 'sales.order_date',
          operator: 'between',
          values: ['2026-01-01', '2026-03-31'],
        },
        { kind: 'condition', column: 'sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
      ],
    });
    expect(applied.query.aggregate).toEqual(sales.query.aggregate);
  });

  it('wraps an OR filter rather than joining it, and bounds a timestamp range by whole days', () => {
    const or: ReportRun = {
      query: {
        dataset: 'events',
        columns: ['kind'],
        filter: {
          kind: 'group',
          op: 'or',
          items: [{ kind: 'condition', column: 'kind', operator: 'is_null' }],
        },
      },
      vintages: {},
    };
    const applied = applyDashboardFilters(or, tileBindings(or, FILTERS, columnsOf), {
      period: { to: '2026-02-28' },
    });
    expect(applied.query.filter).toEqual({
      kind: 'group',
      op: 'and',
      items: [
        or.query.filter,
        { kind: 'condition', column: 'events.order_date', operator: '<', value: '2026-03-01T00:00:00Z' },
      ],
    });
  });

  it('leaves a tile alone when no value is given, or the filter does not bind to it', () => {
    expect(applyDashboardFilters(sales, new Map(), { region: { values: ['EMEA'] } })).toEqual(sales);
    expect(applyDashboardFilters(sales, bindings, {})).toEqual(sales);
  });
});

describe('filter values of a tile run', () => {
  const values = (input: unknown) => parseBody(DashboardFilterValuesSchema, input, 'filter values');

  it('refuses a value for a filter the dashboard lacks, or of the wrong kind, at its path', () => {
    const refused = (input: unknown) => {
      try {
        checkFilterValues(FILTERS, values(input));
      } catch (error) {
        return error instanceof AuroraError ? [error.code, error.path] : [];
      }
      return [];
    };
    expect(refused({ region: { loadId: 'x' } })).toEqual(['INVALID_QUERY', 'filters.region']);
    expect(refused({ nope: { values: ['x'] } })).toEqual(['INVALID_QUERY', 'filters.nope']);
    expect(() => checkFilterValues(FILTERS, values({ period: { from: '2026-01-01' } }))).not.toThrow();
  });

  it.each([
    [{ period: { from: '2026-02-30' } }],
    [{ period: { from: '2026-03-01', to: '2026-02-01' } }],
    [{ region: { values: [] } }],
    [{ region: { values: Array.from({ length: 101 }, (_, i) => i) } }],
  ])('refuses %j', (input) => {
    expect(() => values(input)).toThrow(AuroraError);
  });
});

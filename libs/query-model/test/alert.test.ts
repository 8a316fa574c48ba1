import { AuroraError } from '@aurora/errors';
import {
  describeAlertValues,
  evaluateAlert,
  parseAlertBody,
  type AlertCondition,
  type SummarySnapshot,
} from '../src';

const REPORT = '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90';
const body = (overrides: Record<string, unknown> = {}) => ({
  reportId: REPORT,
  name: 'EMEA revenue below 1M',
  condition: { kind: 'threshold', measure: 'total', op: '<', value: 1_000_000 },
  trigger: { onVintage: true },
  ...overrides,
});

function refusal(input: unknown): AuroraError {
  try {
    parseAlertBody(input);
  } catch (error) {
    if (error instanceof AuroraError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

const REGION = 'global_sales.region';
const snapshot = (vintage: string | null, rows: (string | number | null)[][]): SummarySnapshot => ({
  vintage,
  columns: [REGION, 'total'],
  rows,
});
const only = (latest: SummarySnapshot, earlier: SummarySnapshot[] = []) => ({
  latest,
  earlier,
  dimensions: [REGION],
});

describe('an alert body', () => {
  it('takes each kind of condition, with the defaults of a schedule', () => {
    expect(parseAlertBody(body())).toEqual({ ...body(), deliveries: [], paused: false });
    for (const condition of [
      { kind: 'threshold', measure: 'total', op: '>=', value: 1.5, row: { [REGION]: 'EMEA' } },
      { kind: 'rowCount', op: '>', value: 100 },
      { kind: 'change', measure: 'total', against: 'previousPeriod', percent: 10, direction: 'either' },
      { kind: 'outlier', measure: 'total', vintages: 6, zScore: 3 },
    ])
      expect(parseAlertBody(body({ condition })).condition).toEqual(condition);
  });

  it('refuses what is out of bounds, at its path', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'two\nlines' }, 'name'],
      [{ reportId: 'nope' }, 'reportId'],
      [{ condition: { kind: 'threshold', measure: 'total', op: '!=', value: 1 } }, 'condition.op'],
      [{ condition: { kind: 'threshold', measure: 'total', op: '<', value: 'x' } }, 'condition.value'],
      [{ condition: { kind: 'rowCount', op: '>', value: -1 } }, 'condition.value'],
      [{ condition: { kind: 'rowCount', op: '>=', value: 1 } }, 'condition.op'],
      [{ condition: { kind: 'outlier', measure: 'total', vintages: 2, zScore: 3 } }, 'condition.vintages'],
      [{ condition: { kind: 'outlier', measure: 'total', vintages: 37, zScore: 3 } }, 'condition.vintages'],
      [{ condition: { kind: 'outlier', measure: 'total', vintages: 6, zScore: 0 } }, 'condition.zScore'],
      [
        { condition: { kind: 'change', measure: 'total', against: 'x', percent: 5, direction: 'up' } },
        'condition.against',
      ],
      [{ condition: { kind: 'threshold', measure: 'total', op: '<', value: 1, row: {} } }, 'condition.row'],
      [{ condition: { kind: 'nope' } }, 'condition.kind'],
      [{ condition: { kind: 'rowCount', op: '>', value: 1, extra: 1 } }, 'condition.extra'],
      [{ trigger: { cron: '* * * * *', timeZone: 'UTC' } }, 'trigger.cron'],
      [{ deliveries: [{ webhook: { url: 'http://x.example.com' } }] }, 'deliveries[0].webhook.url'],
      [
        { deliveries: Array.from({ length: 11 }, () => ({ email: { users: ['a'], groups: [] } })) },
        'deliveries',
      ],
    ];
    for (const [overrides, path] of cases) {
      const error = refusal(body(overrides));
      expect([JSON.stringify(overrides), error.code, error.path]).toEqual([
        JSON.stringify(overrides),
        'INVALID_QUERY',
        path,
      ]);
    }
  });
});

describe('a threshold', () => {
  const below: AlertCondition = { kind: 'threshold', measure: 'total', op: '<', value: 1_000_000 };

  it('is true for any row past it, and shows those rows only', () => {
    const result = evaluateAlert(
      below,
      only(
        snapshot('2026-11-30', [
          ['EMEA', 812_345.5],
          ['APAC', 2_000_000],
          ['AMER', '500000.25'],
        ]),
      ),
    );
    expect(result.triggered).toBe(true);
    expect(result.rowCount).toBe(3);
    expect(result.values.map((v) => [v.row, v.value, v.vintage])).toEqual([
      [{ [REGION]: 'EMEA' }, 812_345.5, '2026-11-30'],
      [{ [REGION]: 'AMER' }, 500_000.25, '2026-11-30'],
    ]);
    expect(describeAlertValues(below, result.values, 3)).toBe(
      'total 812,345.50 < 1,000,000 for region EMEA (and 1 more)',
    );
  });

  it('reads a named row only, and shows the latest numbers when false', () => {
    const emeaOnly: AlertCondition = { ...below, row: { [REGION]: 'APAC' } };
    const result = evaluateAlert(
      emeaOnly,
      only(
        snapshot(null, [
          ['EMEA', 5],
          ['APAC', 2_000_000],
        ]),
      ),
    );
    expect(result.triggered).toBe(false);
    expect(result.values.map((v) => v.value)).toEqual([2_000_000]);
  });

  it('is false over no rows, and NULL measures never make it true', () => {
    expect(evaluateAlert(below, only(snapshot(null, []))).triggered).toBe(false);
    const nulls = evaluateAlert(
      below,
      only(
        snapshot(null, [
          ['EMEA', null],
          ['APAC', 'n/a'],
        ]),
      ),
    );
    expect(nulls.triggered).toBe(false);
    expect(nulls.values.map((v) => v.value)).toEqual([null, null]);
  });

  it('compares at the edge as its operator says', () => {
    const at = only(snapshot(null, [['EMEA', 10]]));
    expect(evaluateAlert({ kind: 'threshold', measure: 'total', op: '>=', value: 10 }, at).triggered).toBe(
      true,
    );
    expect(evaluateAlert({ kind: 'threshold', measure: 'total', op: '>', value: 10 }, at).triggered).toBe(
      false,
    );
    expect(evaluateAlert({ kind: 'threshold', measure: 'total', op: '<=', value: 10 }, at).triggered).toBe(
      true,
    );
  });

  it('keeps at most 20 values', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`r${i}`, i]);
    expect(evaluateAlert(below, only(snapshot(null, rows))).values).toHaveLength(20);
  });
});

describe('a row count', () => {
  it('counts the rows, none included', () => {
    const above: AlertCondition = { kind: 'rowCount', op: '>', value: 1 };
    expect(
      evaluateAlert(
        above,
        only(
          snapshot(null, [
            ['a', 1],
            ['b', 2],
          ]),
        ),
      ),
    ).toEqual({
      triggered: true,
      values: [],
      rowCount: 2,
    });
    expect(evaluateAlert({ kind: 'rowCount', op: '<', value: 1 }, only(snapshot(null, []))).triggered).toBe(
      true,
    );
    expect(evaluateAlert(above, only(snapshot(null, []))).triggered).toBe(false);
  });
});

describe('a change against the previous vintage', () => {
  const drop: AlertCondition = {
    kind: 'change',
    measure: 'total',
    against: 'previousVintage',
    percent: 10,
    direction: 'down',
  };
  const previous = snapshot('2026-10-31', [
    ['EMEA', 1000],
    ['APAC', 1000],
    ['AMER', 0],
    ['LATAM', null],
  ]);

  it('matches rows by their group-by values and is true past the percent, in the direction', () => {
    const latest = snapshot('2026-11-30', [
      ['APAC', 950],
      ['EMEA', 800],
      ['AMER', 0],
      ['LATAM', 5],
      ['NEW', 1],
    ]);
    const result = evaluateAlert(drop, only(latest, [previous]));
    expect(result.triggered).toBe(true);
    expect(result.values.map((v) => [v.row, v.value, v.previous, v.changePercent])).toEqual([
      [{ [REGION]: 'EMEA' }, 800, 1000, -20],
    ]);
    expect(evaluateAlert({ ...drop, direction: 'up' }, only(latest, [previous])).triggered).toBe(false);
  });

  it('counts a move away from a previous 0 as beyond any percent, with no percent', () => {
    const latest = snapshot('2026-11-30', [['AMER', 7]]);
    const result = evaluateAlert({ ...drop, direction: 'either' }, only(latest, [previous]));
    expect(result.triggered).toBe(true);
    expect(result.values[0]).toMatchObject({ value: 7, previous: 0, changePercent: null });
    expect(evaluateAlert({ ...drop, direction: 'down' }, only(latest, [previous])).triggered).toBe(false);
  });

  it('is false with no previous vintage', () => {
    const result = evaluateAlert(drop, only(snapshot('2026-11-30', [['EMEA', 1]]), []));
    expect(result.triggered).toBe(false);
    expect(result.values[0]).toMatchObject({ value: 1, previous: null, changePercent: null });
  });
});

describe('a change against the previous period', () => {
  it('compares the last bucket with the one before, per row of the other dimensions', () => {
    const latest: SummarySnapshot = {
      vintage: null,
      columns: [REGION, 'month', 'total'],
      rows: [
        ['EMEA', '2026-10-01', 100],
        ['EMEA', '2026-12-01', 130],
        ['EMEA', '2026-11-01', 100],
        ['APAC', '2026-11-01', 100],
        ['APAC', '2026-12-01', 105],
      ],
    };
    const up: AlertCondition = {
      kind: 'change',
      measure: 'total',
      against: 'previousPeriod',
      percent: 10,
      direction: 'up',
    };
    const result = evaluateAlert(up, {
      latest,
      earlier: [],
      dimensions: [REGION, 'month'],
      periodColumn: 'month',
    });
    expect(result.triggered).toBe(true);
    expect(result.values.map((v) => [v.row, v.value, v.previous, v.changePercent])).toEqual([
      [{ [REGION]: 'EMEA', month: '2026-12-01' }, 130, 100, 30],
    ]);
    expect(evaluateAlert(up, { latest, earlier: [], dimensions: [REGION, 'month'] }).triggered).toBe(false); // no time bucket: nothing to compare
  });
});

describe('an outlier', () => {
  const outlier: AlertCondition = { kind: 'outlier', measure: 'total', vintages: 3, zScore: 2 };
  const history = [10, 12, 11, 500].map((total, i) => snapshot(`v${i}`, [['EMEA', total]]));

  it('is the z-score of the latest value against the K vintages before it', () => {
    const latest = snapshot('v9', [['EMEA', 30]]);
    const result = evaluateAlert(outlier, only(latest, history)); // v3 (500) is beyond K = 3
    expect(result.triggered).toBe(true);
    expect(result.values[0]).toMatchObject({ value: 30, mean: 11, stdDev: 1, zScore: 19 });
    const calm = evaluateAlert(outlier, only(snapshot('v9', [['EMEA', 12]]), history));
    expect(calm.triggered).toBe(false);
    expect(calm.values[0]).toMatchObject({ zScore: 1 });
  });

  it('with no spread, any other value is an outlier and the same one is not', () => {
    const flat = [5, 5, 5].map((total) => snapshot('v', [['EMEA', total]]));
    const moved = evaluateAlert(outlier, only(snapshot('v9', [['EMEA', 6]]), flat));
    expect(moved.triggered).toBe(true);
    expect(moved.values[0]).toMatchObject({ stdDev: 0, zScore: null });
    expect(evaluateAlert(outlier, only(snapshot('v9', [['EMEA', 5]]), flat)).triggered).toBe(false);
  });

  it('needs two earlier values, and ignores NULLs', () => {
    const thin = [snapshot('a', [['EMEA', 5]]), snapshot('b', [['EMEA', null]])];
    const result = evaluateAlert(outlier, only(snapshot('v9', [['EMEA', 1_000]]), thin));
    expect(result.triggered).toBe(false);
    expect(result.values[0]).toMatchObject({ mean: null, stdDev: null, zScore: null });
    expect(evaluateAlert(outlier, only(snapshot('v9', [['EMEA', null]]), history)).triggered).toBe(false);
  });
});

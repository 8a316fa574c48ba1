import {
  alertFieldOf,
  alertFormOf,
  cellKey,
  newAlertForm,
  shapeOf,
  toAlertInput,
  validateAlert,
  type AlertForm,
} from './alert-form';
import type { AlertCondition } from './alert.types';
import { SUMMARY, anAlert } from './testing';

const shape = shapeOf(SUMMARY);
const form = (change: Partial<AlertForm> = {}): AlertForm => ({
  ...newAlertForm(shape, 'Europe/Berlin'),
  ...change,
});

describe('alert form', () => {
  it('reads the measures and group-by columns of a summary, a time bucket by its name', () => {
    expect(shape).toEqual({
      measures: ['total', 'orders'],
      dimensions: [
        { name: 'global_sales.region', bucket: false },
        { name: 'order_month', bucket: true },
      ],
    });
    expect(shapeOf({ dataset: 'global_sales', columns: ['global_sales.region'] })).toBeNull();
  });

  it('makes the body of each kind of condition, with the row only when one is named', () => {
    const bodies: AlertCondition[] = [
      toAlertInput(form({ value: '1,000,000', op: '<' }), 'r1', 'x').condition,
      toAlertInput(form({ kind: 'rowCount', countOp: '<', count: '100' }), 'r1', 'x').condition,
      toAlertInput(
        form({ kind: 'change', against: 'previousPeriod', percent: '12.5', direction: 'down' }),
        'r1',
        'x',
      ).condition,
      toAlertInput(form({ kind: 'outlier', measure: 'orders', vintages: '12', zScore: '2.5' }), 'r1', 'x')
        .condition,
    ];
    expect(bodies).toEqual([
      { kind: 'threshold', measure: 'total', op: '<', value: 1_000_000 },
      { kind: 'rowCount', op: '<', value: 100 },
      { kind: 'change', measure: 'total', against: 'previousPeriod', percent: 12.5, direction: 'down' },
      { kind: 'outlier', measure: 'orders', vintages: 12, zScore: 2.5 },
    ]);
  });

  it('keeps a named row’s values with their types, and leaves out the columns left at any', () => {
    const named = form({
      value: '5',
      row: { 'global_sales.region': cellKey('EMEA'), order_month: '', 'global_sales.year': cellKey(2026) },
    });
    expect(toAlertInput(named, 'r1', 'x').condition).toMatchObject({
      row: { 'global_sales.region': 'EMEA', 'global_sales.year': 2026 },
    });
    expect(toAlertInput(form({ value: '5', row: { x: cellKey(null) } }), 'r1', 'x').condition).toMatchObject({
      row: { x: null },
    });
  });

  it('sends the typed name, or the condition in words when none is typed', () => {
    expect(toAlertInput(form({ value: '1', name: '  Big EMEA  ' }), 'r1', 'words').name).toBe('Big EMEA');
    expect(toAlertInput(form({ value: '1' }), 'r1', 'total > 1 for any row').name).toBe(
      'total > 1 for any row',
    );
    expect(toAlertInput(form({ value: '1' }), 'r1', 'w'.repeat(300)).name).toHaveLength(200);
  });

  it('gives back a saved alert’s body unchanged', () => {
    const alerts = [
      anAlert(),
      anAlert({
        condition: { kind: 'rowCount', op: '>', value: 100 },
        trigger: { onVintage: true },
        deliveries: [
          { email: { users: ['alice'], groups: ['finance'] } },
          { webhook: { url: 'https://h.example/a' } },
        ],
        paused: true,
      }),
      anAlert({
        condition: {
          kind: 'change',
          measure: 'total',
          against: 'previousVintage',
          percent: 10,
          direction: 'either',
          row: { order_month: '2026-11-01', 'global_sales.region': null },
        },
      }),
      anAlert({ condition: { kind: 'outlier', measure: 'total', vintages: 6, zScore: 3 } }),
    ];
    for (const alert of alerts) {
      const { reportId, name, condition, trigger, deliveries, paused } = alert;
      expect(toAlertInput(alertFormOf(alert), 'r1', 'unused')).toEqual({
        reportId,
        name,
        condition,
        trigger,
        deliveries,
        paused,
      });
    }
  });

  it('refuses at their field what the server would', () => {
    const now = new Date('2027-03-26T10:00:00Z');
    expect(validateAlert(form({ value: '' }), shape, now)).toEqual({ 'condition.value': 'Enter a number.' });
    expect(validateAlert(form({ value: 'lots' }), shape, now)['condition.value']).toMatch(/^Not a number/);
    expect(validateAlert(form({ value: '1', measure: 'gone' }), shape, now)).toEqual({
      'condition.measure': 'Pick one of the report’s measures.',
    });
    expect(validateAlert(form({ kind: 'rowCount', count: '2.5' }), shape, now)).toEqual({
      'condition.value': 'A whole number.',
    });
    expect(validateAlert(form({ kind: 'outlier', vintages: '2', zScore: '0' }), shape, now)).toEqual({
      'condition.vintages': 'At least 3.',
      'condition.zScore': 'More than 0.',
    });
    expect(validateAlert(form({ kind: 'outlier', vintages: '37' }), shape, now)).toEqual({
      'condition.vintages': 'At most 36.',
    });
    expect(validateAlert(form({ kind: 'change', percent: '-5' }), shape, now)).toEqual({
      'condition.percent': 'More than 0.',
    });
    const noBucket = shapeOf({
      dataset: 'global_sales',
      aggregate: { groupBy: ['global_sales.region'], measures: [{ fn: 'count', column: null, as: 'n' }] },
    });
    expect(
      validateAlert(form({ kind: 'change', measure: 'n', against: 'previousPeriod' }), noBucket, now),
    ).toEqual({ 'condition.against': 'The report has no time bucket: compare with the previous vintage.' });
    expect(validateAlert(form({ value: '1', name: 'a\nb' }), shape, now)).toEqual({ name: 'One line.' });
    expect(validateAlert(form({ value: '1', cron: '* * * * *' }), shape, now)).toEqual({
      'trigger.cron': 'It runs more often than every 5 minutes.',
    });
    expect(validateAlert(form({ value: '1', webhooks: ['http://h.example'] }), shape, now)).toEqual({
      'webhooks.0': 'Must be an https:// URL.',
    });
    expect(validateAlert(form({ value: '-3.5' }), shape, now)).toEqual({});
  });

  it('shows a server path at its field', () => {
    const withEmail = form({ users: ['alice'], webhooks: ['https://a.example', 'https://b.example'] });
    expect(alertFieldOf('deliveries[2].webhook.url', withEmail)).toBe('webhooks.1');
    expect(alertFieldOf('deliveries[0].email.users[0]', withEmail)).toBe('email');
    expect(alertFieldOf('trigger.cron', withEmail)).toBe('trigger.cron');
    expect(alertFieldOf('condition.row["global_sales.region"]', withEmail)).toBe('condition.row');
    expect(alertFieldOf('condition.row.global_sales.region', withEmail)).toBe('condition.row');
    expect(alertFieldOf('condition.measure', withEmail)).toBe('condition.measure');
    expect(alertFieldOf('condition.vintages', withEmail)).toBe('condition.vintages');
    expect(alertFieldOf('condition.op', withEmail)).toBe('condition.value');
    expect(alertFieldOf('condition.kind', withEmail)).toBe('condition.kind');
    expect(alertFieldOf('name', withEmail)).toBe('name');
    expect(alertFieldOf('reportId', withEmail)).toBe('form');
  });
});

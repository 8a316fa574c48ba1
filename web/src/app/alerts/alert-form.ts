import type { Cell, Query } from '../api';
import {
  NO_DELIVERIES,
  deliveriesBody,
  deliveriesFormOf,
  newTrigger,
  sharedFieldOf,
  triggerBody,
  triggerFormOf,
  validateDeliveries,
  validateTrigger,
  type DeliveriesForm,
  type FieldErrors,
  type TriggerForm,
} from '../schedules/schedule-form';
import type {
  Alert,
  AlertCondition,
  AlertConditionKind,
  AlertInput,
  AlertRow,
  ThresholdOp,
} from './alert.types';

/** The bounds the server checks (docs/API.md, "Alerts"). */
export const ALERT_LIMITS = {
  maxName: 200,
  minVintages: 3,
  maxVintages: 36,
  maxPercent: 1_000_000,
  maxZScore: 100,
} as const;

/** What the alert dialog edits; numbers stay the text typed until `toInput`. */
export interface AlertForm extends TriggerForm, DeliveriesForm {
  readonly name: string;
  readonly kind: AlertConditionKind;
  readonly measure: string;
  readonly op: ThresholdOp;
  readonly value: string;
  readonly countOp: '>' | '<';
  readonly count: string;
  readonly against: 'previousVintage' | 'previousPeriod';
  readonly percent: string;
  readonly direction: 'up' | 'down' | 'either';
  readonly vintages: string;
  readonly zScore: string;
  /** Group-by column → the chosen value as JSON (a cell keeps its type); absent or '' is any value. */
  readonly row: Readonly<Record<string, string>>;
  readonly paused: boolean;
}

/** A group-by result column of the report: a reference, or a time bucket's `as`. */
export interface Dimension {
  readonly name: string;
  readonly bucket: boolean;
}

/** What an alert may be set on: the summary's measures and group-by columns. */
export interface ReportShape {
  readonly measures: readonly string[];
  readonly dimensions: readonly Dimension[];
}

/** The report's summary, or null when it is not one (the server refuses an alert on it). */
export function shapeOf(query: Query | null | undefined): ReportShape | null {
  const aggregate = query?.aggregate;
  if (!aggregate) return null;
  return {
    measures: aggregate.measures.map((m) => m.as),
    dimensions: aggregate.groupBy.map((item) =>
      typeof item === 'string' ? { name: item, bucket: false } : { name: item.as, bucket: true },
    ),
  };
}

export const hasTimeBucket = (shape: ReportShape): boolean => shape.dimensions.some((d) => d.bucket);

export function newAlertForm(shape: ReportShape | null, timeZone?: string): AlertForm {
  return {
    name: '',
    kind: 'threshold',
    measure: shape?.measures[0] ?? '',
    op: '>',
    value: '',
    countOp: '>',
    count: '',
    against: 'previousVintage',
    percent: '10',
    direction: 'either',
    vintages: '6',
    zScore: '3',
    row: {},
    ...newTrigger(timeZone),
    ...NO_DELIVERIES,
    paused: false,
  };
}

const rowForm = (row: AlertRow | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(row ?? {}).map(([column, value]) => [column, JSON.stringify(value)]));

/** A saved alert in the dialog. */
export function alertFormOf(alert: Alert): AlertForm {
  const base = {
    ...newAlertForm(null),
    name: alert.name,
    kind: alert.condition.kind,
    ...triggerFormOf(alert.trigger),
    ...deliveriesFormOf(alert.deliveries),
    paused: alert.paused,
  };
  const condition = alert.condition;
  switch (condition.kind) {
    case 'threshold':
      return {
        ...base,
        measure: condition.measure,
        op: condition.op,
        value: String(condition.value),
        row: rowForm(condition.row),
      };
    case 'rowCount':
      return { ...base, countOp: condition.op, count: String(condition.value) };
    case 'change':
      return {
        ...base,
        measure: condition.measure,
        against: condition.against,
        percent: String(condition.percent),
        direction: condition.direction,
        row: rowForm(condition.row),
      };
    case 'outlier':
      return {
        ...base,
        measure: condition.measure,
        vintages: String(condition.vintages),
        zScore: String(condition.zScore),
        row: rowForm(condition.row),
      };
  }
}

/** The value a select offers for a cell (JSON, so 1 and "1" differ), and back. */
export const cellKey = (cell: Cell): string => JSON.stringify(cell);

/** The named row, or undefined for any row. */
export function rowOf(form: AlertForm): AlertRow | undefined {
  const entries = Object.entries(form.row).filter(([, key]) => key !== '');
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([column, key]) => [column, JSON.parse(key) as Cell]));
}

const number = (text: string): number => Number(text.trim().replace(/[\s,_]/g, ''));

export function conditionOf(form: AlertForm): AlertCondition {
  const row = rowOf(form);
  const withRow = row ? { row } : {};
  switch (form.kind) {
    case 'threshold':
      return { kind: 'threshold', measure: form.measure, op: form.op, value: number(form.value), ...withRow };
    case 'rowCount':
      return { kind: 'rowCount', op: form.countOp, value: number(form.count) };
    case 'change':
      return {
        kind: 'change',
        measure: form.measure,
        against: form.against,
        percent: number(form.percent),
        direction: form.direction,
        ...withRow,
      };
    case 'outlier':
      return {
        kind: 'outlier',
        measure: form.measure,
        vintages: number(form.vintages),
        zScore: number(form.zScore),
        ...withRow,
      };
  }
}

/** The name sent: the one typed, or the condition in words when none is. */
export function nameOf(form: AlertForm, suggestion: string): string {
  const typed = form.name.trim();
  return typed === '' ? suggestion.slice(0, ALERT_LIMITS.maxName) : typed;
}

export function toAlertInput(form: AlertForm, reportId: string, suggestion: string): AlertInput {
  return {
    reportId,
    name: nameOf(form, suggestion),
    condition: conditionOf(form),
    trigger: triggerBody(form),
    deliveries: deliveriesBody(form),
    paused: form.paused,
  };
}

function numberProblem(
  text: string,
  rule: { min?: number; max?: number; integer?: boolean; above?: number },
): string | null {
  if (text.trim() === '') return 'Enter a number.';
  const value = number(text);
  if (!Number.isFinite(value)) return 'Not a number, such as 1000000 or 12.5.';
  if (rule.integer && !Number.isInteger(value)) return 'A whole number.';
  if (rule.above !== undefined && value <= rule.above) return `More than ${rule.above}.`;
  if (rule.min !== undefined && value < rule.min) return `At least ${rule.min}.`;
  if (rule.max !== undefined && value > rule.max) return `At most ${rule.max.toLocaleString('en-US')}.`;
  return null;
}

/** What the server would refuse, by field; empty when the form may be sent. */
export function validateAlert(form: AlertForm, shape: ReportShape | null, now = new Date()): FieldErrors {
  const errors: Record<string, string> = {};
  if (form.name.length > ALERT_LIMITS.maxName) errors['name'] = `At most ${ALERT_LIMITS.maxName} characters.`;
  else if (/[\r\n]/.test(form.name)) errors['name'] = 'One line.';
  const set = (field: string, problem: string | null): void => {
    if (problem) errors[field] = problem;
  };
  if (form.kind !== 'rowCount' && (form.measure === '' || (shape && !shape.measures.includes(form.measure))))
    errors['condition.measure'] = 'Pick one of the report’s measures.';
  switch (form.kind) {
    case 'threshold':
      set('condition.value', numberProblem(form.value, {}));
      break;
    case 'rowCount':
      set('condition.value', numberProblem(form.count, { integer: true, min: 0 }));
      break;
    case 'change':
      set('condition.percent', numberProblem(form.percent, { above: 0, max: ALERT_LIMITS.maxPercent }));
      if (form.against === 'previousPeriod' && shape && !hasTimeBucket(shape))
        errors['condition.against'] = 'The report has no time bucket: compare with the previous vintage.';
      break;
    case 'outlier':
      set(
        'condition.vintages',
        numberProblem(form.vintages, {
          integer: true,
          min: ALERT_LIMITS.minVintages,
          max: ALERT_LIMITS.maxVintages,
        }),
      );
      set('condition.zScore', numberProblem(form.zScore, { above: 0, max: ALERT_LIMITS.maxZScore }));
      break;
  }
  return { ...errors, ...validateTrigger(form, now), ...validateDeliveries(form) };
}

const CONDITION_FIELDS = [
  'condition.measure',
  'condition.value',
  'condition.percent',
  'condition.vintages',
  'condition.zScore',
  'condition.against',
  'condition.row',
] as const;

/** The dialog's field for a server path (`condition.row["global_sales.region"]` → `condition.row`). */
export function alertFieldOf(path: string, form: AlertForm): string {
  const shared = sharedFieldOf(path, form);
  if (shared !== null) return shared;
  if (path === 'name' || path.startsWith('name.')) return 'name';
  for (const field of CONDITION_FIELDS)
    if (path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return field;
  if (path === 'condition.op') return 'condition.value';
  if (path.startsWith('condition')) return 'condition.kind';
  return 'form';
}

import { z } from 'zod';
import { IDENTIFIER_PATTERN } from './limits';
import {
  DeliverySchema,
  SCHEDULE_LIMITS,
  TriggerSchema,
  type StoredDelivery,
  type Trigger,
} from './schedule';
import { parseBody } from './validate';

/** The bounds of an alert (docs/API.md, "Alerts"). Triggers and deliveries are bounded as schedules' are. */
export const ALERT_LIMITS = {
  maxName: 200,
  maxAlertsPerOwner: 500,
  /** Checks listed per alert, newest first. */
  maxChecksListed: 100,
  /** Values a check keeps: the numbers that made it true, or the latest ones. */
  maxValues: 20,
  /** Columns a named row may pin. */
  maxRowKeys: 20,
  maxRowKey: 200,
  maxRowValue: 500,
  minOutlierVintages: 3,
  maxOutlierVintages: 36,
  maxZScore: 100,
  maxPercent: 1_000_000,
  maxRowCount: 1_000_000_000,
  /** Notifications listed per page. */
  maxNotificationsPage: 100,
  defaultNotificationsPage: 20,
} as const;

const measure = z.string().regex(IDENTIFIER_PATTERN, "must be the name of one of the report's measures");
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** A named row: result column → value. Absent: any row of the summary. */
const RowSchema = z
  .record(
    z.string().min(1).max(ALERT_LIMITS.maxRowKey),
    z.union([z.string().max(ALERT_LIMITS.maxRowValue), z.number(), z.boolean(), z.null()]),
  )
  .refine((row) => Object.keys(row).length >= 1, 'must name at least one column')
  .refine(
    (row) => Object.keys(row).length <= ALERT_LIMITS.maxRowKeys,
    `must name at most ${ALERT_LIMITS.maxRowKeys} columns`,
  );
export type AlertRow = z.infer<typeof RowSchema>;

export const AlertConditionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('threshold'),
    measure,
    op: z.enum(['>', '>=', '<', '<=']),
    value: finite,
    row: RowSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('rowCount'),
    op: z.enum(['>', '<']),
    value: z.int().min(0).max(ALERT_LIMITS.maxRowCount),
  }),
  z.strictObject({
    kind: z.literal('change'),
    measure,
    against: z.enum(['previousVintage', 'previousPeriod']),
    percent: z.number().gt(0).max(ALERT_LIMITS.maxPercent),
    direction: z.enum(['up', 'down', 'either']),
    row: RowSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('outlier'),
    measure,
    vintages: z.int().min(ALERT_LIMITS.minOutlierVintages).max(ALERT_LIMITS.maxOutlierVintages),
    zScore: z.number().gt(0).max(ALERT_LIMITS.maxZScore),
    row: RowSchema.optional(),
  }),
]);
export type AlertCondition = z.infer<typeof AlertConditionSchema>;

export const AlertBodySchema = z.strictObject({
  reportId: z.uuid('must be a report id'),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(ALERT_LIMITS.maxName)
    .refine((name) => !/[\r\n]/.test(name), 'must be one line'),
  condition: AlertConditionSchema,
  trigger: TriggerSchema,
  deliveries: z.array(DeliverySchema).max(SCHEDULE_LIMITS.maxDeliveries).default([]),
  paused: z.boolean().default(false),
});
export type AlertBody = z.infer<typeof AlertBodySchema>;

/** Validates an alert body (POST and PUT /alerts); INVALID_QUERY with the path of the first problem. */
export function parseAlertBody(input: unknown): AlertBody {
  return parseBody(AlertBodySchema, input, 'a valid alert');
}

/** How many earlier vintages a condition reads besides the latest one. */
export function earlierVintagesNeeded(condition: AlertCondition): number {
  switch (condition.kind) {
    case 'threshold':
    case 'rowCount':
      return 0;
    case 'change':
      return condition.against === 'previousVintage' ? 1 : 0;
    case 'outlier':
      return condition.vintages;
  }
}

/** One number of a check: the row it belongs to (null: the whole result), and what it was compared with. */
export interface AlertValue {
  readonly row: Readonly<Record<string, unknown>> | null;
  readonly measure: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly changePercent: number | null;
  readonly mean: number | null;
  readonly stdDev: number | null;
  readonly zScore: number | null;
  readonly vintage: string | null;
}

/** A summary's rows as the query service answers them: column names, and one array of cells per row. */
export interface SummarySnapshot {
  /** The Load ID these rows are of (null: the report reads no partitioned dataset). */
  readonly vintage: string | null;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface AlertEvaluationInput {
  /** The report's summary now (its vintage policy resolved as a run resolves it). */
  readonly latest: SummarySnapshot;
  /** The same summary pinned to each earlier vintage of its dataset, newest first (change and outlier only). */
  readonly earlier: readonly SummarySnapshot[];
  /** The group-by result columns: what identifies a row across vintages. */
  readonly dimensions: readonly string[];
  /** previousPeriod: the report's first time-bucket column (its `as`). */
  readonly periodColumn?: string;
}

export interface AlertEvaluation {
  readonly triggered: boolean;
  /** The numbers that made it true (≤ ALERT_LIMITS.maxValues), or the latest ones when it is not. */
  readonly values: AlertValue[];
  readonly rowCount: number;
}

/**
 * Evaluates a condition over a summary's rows. Pure: the caller reads the rows with the owner's rights.
 * Rows whose measure is NULL (or not a number) never make a condition true. A change against a previous value of
 * 0 has no percent: a move away from 0 counts as a change above any percent, in its direction. An outlier needs
 * two earlier values of its row at least; a history with no spread (stdDev 0) makes any different value an
 * outlier (zScore null) and the same value not one.
 */
export function evaluateAlert(condition: AlertCondition, input: AlertEvaluationInput): AlertEvaluation {
  const rowCount = input.latest.rows.length;
  switch (condition.kind) {
    case 'rowCount': {
      const triggered = condition.op === '>' ? rowCount > condition.value : rowCount < condition.value;
      return { triggered, values: [], rowCount };
    }
    case 'threshold': {
      const all = rowsOf(input.latest, input.dimensions, condition.measure, condition.row).map((row) =>
        value(row.key, condition.measure, row.value, input.latest.vintage),
      );
      const hits = all.filter((v) => v.value !== null && compare(v.value, condition.op, condition.value));
      return finish(hits, all, rowCount);
    }
    case 'change': {
      const pairs =
        condition.against === 'previousVintage'
          ? vintagePairs(input, condition.measure, condition.row)
          : periodPairs(input, condition.measure, condition.row);
      const all = pairs.map((pair) => {
        const changePercent =
          pair.value === null || pair.previous === null || pair.previous === 0
            ? null
            : round(((pair.value - pair.previous) / Math.abs(pair.previous)) * 100);
        return {
          ...value(pair.key, condition.measure, pair.value, pair.vintage),
          previous: pair.previous,
          changePercent,
        };
      });
      const hits = all.filter((v) => changed(v.value, v.previous, condition.percent, condition.direction));
      return finish(hits, all, rowCount);
    }
    case 'outlier': {
      const latest = rowsOf(input.latest, input.dimensions, condition.measure, condition.row);
      const history = input.earlier
        .slice(0, condition.vintages)
        .map((snapshot) => indexed(snapshot, input.dimensions, condition.measure));
      const all = latest.map((row) => {
        const past = history
          .map((byKey) => byKey.get(keyOf(row.key)))
          .filter((v): v is number => v !== undefined && v !== null);
        const stats = outlierStats(row.value, past);
        return { ...value(row.key, condition.measure, row.value, input.latest.vintage), ...stats.view };
      });
      const hits = all.filter((v, i) => {
        const row = latest[i];
        if (!row || row.value === null) return false;
        return isOutlier(row.value, v.mean, v.stdDev, v.zScore, condition.zScore);
      });
      return finish(hits, all, rowCount);
    }
  }
}

interface KeyedRow {
  readonly key: Record<string, unknown> | null;
  readonly value: number | null;
}

function finish(hits: AlertValue[], all: AlertValue[], rowCount: number): AlertEvaluation {
  const triggered = hits.length > 0;
  return { triggered, values: (triggered ? hits : all).slice(0, ALERT_LIMITS.maxValues), rowCount };
}

function value(
  key: Record<string, unknown> | null,
  measureName: string,
  number: number | null,
  vintage: string | null,
): AlertValue {
  return {
    row: key,
    measure: measureName,
    value: number,
    previous: null,
    changePercent: null,
    mean: null,
    stdDev: null,
    zScore: null,
    vintage,
  };
}

function compare(left: number, op: '>' | '>=' | '<' | '<=', right: number): boolean {
  switch (op) {
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
  }
}

function changed(
  now: number | null,
  previous: number | null,
  percent: number,
  direction: 'up' | 'down' | 'either',
): boolean {
  if (now === null || previous === null || now === previous) return false;
  const up = now > previous;
  if ((direction === 'up' && !up) || (direction === 'down' && up)) return false;
  if (previous === 0) return true; // from 0, any move is more than any percent
  return (Math.abs(now - previous) / Math.abs(previous)) * 100 > percent;
}

function outlierStats(
  latest: number | null,
  past: readonly number[],
): { view: Pick<AlertValue, 'mean' | 'stdDev' | 'zScore'> } {
  if (past.length < 2) return { view: { mean: null, stdDev: null, zScore: null } };
  const mean = past.reduce((sum, v) => sum + v, 0) / past.length;
  const variance = past.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (past.length - 1);
  const stdDev = Math.sqrt(variance);
  const zScore = latest === null || stdDev === 0 ? null : round((latest - mean) / stdDev);
  return { view: { mean: round(mean), stdDev: round(stdDev), zScore } };
}

function isOutlier(
  latest: number,
  mean: number | null,
  stdDev: number | null,
  zScore: number | null,
  threshold: number,
): boolean {
  if (mean === null || stdDev === null) return false; // too little history
  if (stdDev === 0) return latest !== mean;
  return zScore !== null && Math.abs(zScore) > threshold;
}

/** The rows of a snapshot that match `row` (all when absent), each with its key and measure. */
function rowsOf(
  snapshot: SummarySnapshot,
  dimensions: readonly string[],
  measureName: string,
  row: AlertRow | undefined,
): KeyedRow[] {
  const at = columnIndex(snapshot.columns);
  const measureAt = at.get(measureName);
  const wanted = row ? Object.entries(row) : [];
  const keyColumns = dimensions.filter((name) => at.has(name));
  return snapshot.rows
    .filter((cells) => wanted.every(([name, expected]) => sameCell(cells[at.get(name) ?? -1], expected)))
    .map((cells) => ({
      key:
        keyColumns.length > 0
          ? Object.fromEntries(keyColumns.map((name) => [name, cells[at.get(name) ?? -1] ?? null]))
          : null,
      value: measureAt === undefined ? null : numberOf(cells[measureAt]),
    }));
}

/** The measure of each row of a snapshot, by row key. */
function indexed(
  snapshot: SummarySnapshot,
  dimensions: readonly string[],
  measureName: string,
): Map<string, number | null> {
  return new Map(
    rowsOf(snapshot, dimensions, measureName, undefined).map((row) => [keyOf(row.key), row.value]),
  );
}

interface Pair {
  readonly key: Record<string, unknown> | null;
  readonly value: number | null;
  readonly previous: number | null;
  readonly vintage: string | null;
}

/** Each row now, with the same row in the previous vintage (null when it had none). */
function vintagePairs(input: AlertEvaluationInput, measureName: string, row: AlertRow | undefined): Pair[] {
  const [previous] = input.earlier;
  const before = previous
    ? indexed(previous, input.dimensions, measureName)
    : new Map<string, number | null>();
  return rowsOf(input.latest, input.dimensions, measureName, row).map((current) => ({
    key: current.key,
    value: current.value,
    previous: before.get(keyOf(current.key)) ?? null,
    vintage: input.latest.vintage,
  }));
}

/**
 * previousPeriod: the rows grouped by the dimensions other than the period column; in each group, the last period
 * against the one before it.
 */
function periodPairs(input: AlertEvaluationInput, measureName: string, row: AlertRow | undefined): Pair[] {
  const period = input.periodColumn;
  if (period === undefined) return [];
  const periodAt = columnIndex(input.latest.columns).get(period);
  if (periodAt === undefined) return [];
  const others = input.dimensions.filter((name) => name !== period);
  const rows = input.latest.rows.map((cells) => ({ cells, period: cells[periodAt] }));
  const snapshot = (cells: readonly (readonly unknown[])[]): SummarySnapshot => ({
    ...input.latest,
    rows: cells,
  });
  const groups = new Map<
    string,
    { key: Record<string, unknown> | null; points: { period: unknown; value: number | null }[] }
  >();
  for (const { cells, period: at } of rows) {
    const [keyed] = rowsOf(snapshot([cells]), others, measureName, row);
    if (!keyed || at === null || at === undefined) continue;
    const id = keyOf(keyed.key);
    const group = groups.get(id) ?? { key: keyed.key, points: [] };
    group.points.push({ period: at, value: keyed.value });
    groups.set(id, group);
  }
  const pairs: Pair[] = [];
  for (const group of groups.values()) {
    const sorted = [...group.points].sort((a, b) => comparePeriods(a.period, b.period));
    const last = sorted[sorted.length - 1];
    const before = sorted[sorted.length - 2];
    if (!last) continue;
    pairs.push({
      key: { ...(group.key ?? {}), [period]: last.period },
      value: last.value,
      previous: before?.value ?? null,
      vintage: input.latest.vintage,
    });
  }
  return pairs;
}

function comparePeriods(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function columnIndex(columns: readonly string[]): Map<string, number> {
  return new Map(columns.map((name, i) => [name, i]));
}

function keyOf(key: Record<string, unknown> | null): string {
  return key === null
    ? ''
    : JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A cell equals a named row's value: numbers as numbers (a decimal may come as text), the rest as text. */
function sameCell(cell: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null) return cell === null || cell === undefined;
  if (typeof expected === 'number') return numberOf(cell) === expected;
  return (
    (typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') &&
    String(cell) === String(expected)
  );
}

/** A measure's cell as a number: numbers, and numeric text (decimals, big integers); else null. */
export function numberOf(cell: unknown): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell === 'bigint') return Number(cell);
  if (typeof cell === 'string' && cell.trim() !== '') {
    const parsed = Number(cell);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export type AlertState = 'unknown' | 'ok' | 'triggered';
export type AlertCheckStatus = 'queued' | 'running' | 'ok' | 'triggered' | 'failed';
export type AlertTransition = 'fired' | 'cleared';

/** A check as docs/API.md shows it (GET /alerts/{id}/checks). */
export interface AlertCheckView {
  readonly id: string;
  readonly alertId: string;
  readonly scheduledFor: string;
  readonly cause: 'cron' | 'vintage' | 'manual';
  readonly status: AlertCheckStatus;
  readonly transition: AlertTransition | null;
  readonly values: readonly AlertValue[];
  readonly rowCount: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
}

/** An alert as docs/API.md shows it (GET /alerts/{id}). */
export interface AlertView {
  readonly id: string;
  readonly reportId: string;
  readonly name: string;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly condition: AlertCondition;
  readonly trigger: Trigger;
  readonly deliveries: readonly StoredDelivery[];
  readonly paused: boolean;
  readonly version: number;
  readonly nextRunAt: string | null;
  readonly state: AlertState;
  readonly lastCheckedAt: string | null;
  readonly lastTriggeredAt: string | null;
  readonly lastCheck: AlertCheckView | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NotificationKind = 'alert.fired' | 'alert.cleared' | 'schedule.failed';

/** A notification of the bell (GET /notifications). */
export interface NotificationView {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly title: string;
  readonly body: string;
  readonly link: string;
  readonly alertId: string | null;
  readonly scheduleId: string | null;
  readonly values: readonly AlertValue[] | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

/** The one-line sentence of a check's numbers: `total 812,345.50 < 1,000,000 for region EMEA`. */
export function describeAlertValues(
  condition: AlertCondition,
  values: readonly AlertValue[],
  rowCount: number | null,
): string {
  if (condition.kind === 'rowCount')
    return `${formatNumber(rowCount ?? 0)} rows ${condition.op} ${formatNumber(condition.value)}`;
  const [first] = values;
  if (!first) return 'no rows';
  const where = first.row
    ? ` for ${Object.entries(first.row)
        .map(([k, v]) => `${shortName(k)} ${String(v)}`)
        .join(', ')}`
    : '';
  const more = values.length > 1 ? ` (and ${values.length - 1} more)` : '';
  const number = first.value === null ? 'no value' : formatNumber(first.value);
  switch (condition.kind) {
    case 'threshold':
      return `${first.measure} ${number} ${condition.op} ${formatNumber(condition.value)}${where}${more}`;
    case 'change': {
      const change =
        first.changePercent === null
          ? 'from 0'
          : `${first.changePercent > 0 ? '+' : ''}${formatNumber(first.changePercent)}%`;
      const previous = first.previous === null ? 'none' : formatNumber(first.previous);
      return `${first.measure} ${number}, ${change} against ${previous}${where}${more}`;
    }
    case 'outlier': {
      const z = first.zScore === null ? 'no spread before' : `z-score ${formatNumber(first.zScore)}`;
      return `${first.measure} ${number}, ${z} over ${condition.vintages} vintages${where}${more}`;
    }
  }
}

function shortName(column: string): string {
  const dot = column.lastIndexOf('.');
  return dot >= 0 ? column.slice(dot + 1) : column;
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: 2,
    minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
  });
}

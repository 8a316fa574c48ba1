import { cronInWords, inZone } from '../schedules/cron';
import type { Alert, AlertCheck, AlertCondition, AlertRow, AlertState, CheckValue } from './alert.types';

/** A group-by column as people read it: the part after the dataset (`global_sales.region` → `region`). */
export const columnWord = (column: string): string => column.slice(column.lastIndexOf('.') + 1);

export function cellWord(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '(empty)';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  return String(value);
}

/** "region EMEA, channel Online", or "any row". */
export function rowInWords(row: AlertRow | null | undefined): string {
  const entries = Object.entries(row ?? {});
  if (entries.length === 0) return 'any row';
  return entries.map(([column, value]) => `${columnWord(column)} ${cellWord(value)}`).join(', ');
}

/** A number of a check: grouped, at most two decimals; "–" when there is none. */
export function numberWord(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** "+4.2 %", "−9.7 %". */
export function percentWord(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
}

const DIRECTION = { up: 'rises', down: 'falls', either: 'moves' } as const;
const AGAINST = { previousVintage: 'the previous vintage', previousPeriod: 'the previous period' } as const;

/** The condition as a sentence: "total > 1,000,000 for region EMEA". */
export function conditionInWords(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'threshold':
      return `${condition.measure} ${condition.op} ${numberWord(condition.value)} for ${rowInWords(condition.row)}`;
    case 'rowCount':
      return `row count ${condition.op} ${numberWord(condition.value, 0)}`;
    case 'change':
      return `${condition.measure} ${DIRECTION[condition.direction]} by more than ${numberWord(condition.percent)} % against ${AGAINST[condition.against]} for ${rowInWords(condition.row)}`;
    case 'outlier':
      return `${condition.measure} is an outlier (|z| ≥ ${numberWord(condition.zScore)} over the last ${condition.vintages} vintages) for ${rowInWords(condition.row)}`;
  }
}

/** "Every weekday at 07:00 (Europe/Berlin)" or "When a new vintage arrives". */
export function checkTriggerInWords(alert: Alert): string {
  const trigger = alert.trigger;
  return 'cron' in trigger
    ? `${cronInWords(trigger.cron)} (${trigger.timeZone})`
    : 'When a new vintage arrives';
}

export function nextCheckInWords(alert: Alert): string {
  if (alert.paused) return 'no checks while paused';
  const trigger = alert.trigger;
  if (!('cron' in trigger)) return 'next check at the next vintage';
  return alert.nextRunAt
    ? `next check ${inZone(new Date(alert.nextRunAt), trigger.timeZone)}`
    : 'no next check';
}

export const STATE_WORD: Readonly<Record<AlertState, string>> = {
  unknown: 'Not checked yet',
  ok: 'OK',
  triggered: 'Triggered',
};

export const STATE_CLASS: Readonly<Record<AlertState, string>> = {
  unknown: 'bg-slate-100 text-slate-700',
  ok: 'bg-green-100 text-green-800',
  triggered: 'bg-red-600 text-white',
};

export const CHECK_CLASS: Readonly<Record<AlertCheck['status'], string>> = {
  queued: 'bg-slate-100 text-slate-700',
  running: 'bg-blue-100 text-blue-800',
  ok: 'bg-green-100 text-green-800',
  triggered: 'bg-red-100 text-red-800',
  failed: 'bg-red-100 text-red-800',
};

/** "Fired", "Cleared" or nothing (no change: no notification). */
export function transitionWord(check: AlertCheck): string {
  switch (check.transition) {
    case 'fired':
      return 'Fired';
    case 'cleared':
      return 'Cleared';
    case null:
      return '';
  }
}

/** One value of a check as a line: "EMEA · total 812,345.5 (previous 900,000, −9.7 %, z 3.2)". */
export function valueInWords(value: CheckValue): string {
  const extra = [
    value.previous !== null ? `previous ${numberWord(value.previous)}` : null,
    value.changePercent !== null ? percentWord(value.changePercent) : null,
    value.zScore !== null ? `z ${numberWord(value.zScore)}` : null,
  ].filter((part) => part !== null);
  const row = value.row ? `${rowInWords(value.row)} · ` : '';
  return `${row}${value.measure} ${numberWord(value.value)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

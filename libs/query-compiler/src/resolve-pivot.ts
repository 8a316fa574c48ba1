import { AuroraError, ErrorCode } from '@aurora/errors';
import { QUERY_LIMITS, type Pivot, type ScalarValue } from '@aurora/query-model';
import type { GroupOperand, MeasureOperand, ResultColumn } from './resolved';
import {
  invalidQuery,
  operandKey,
  operandType,
  refuseMasked,
  resolveGroupItem,
  type SourceNames,
} from './resolve';
import { castValue } from './typed-value';

/** One value of a pivot's column, as the warehouse returned it (dates as `YYYY-MM-DD`). */
export type PivotCell = ScalarValue | null;

/** The label of a pivot column's NULL value. */
export const PIVOT_NULL_LABEL = '(no value)';

/**
 * The pivot column, then one result column per (value, measure), values in the order read (ascending, NULL
 * last). Names are generated (`p<i>_<measure>`), so no value ever becomes an identifier; labels carry the value.
 * Without values only the pivot itself is checked (the values are read next, with the same sources).
 */
export function pivotOutputs(
  pivot: Pivot,
  groupBy: readonly GroupOperand[],
  measures: readonly ResultColumn[],
  names: SourceNames,
  values: readonly PivotCell[] | undefined,
): ResultColumn[] {
  const on = pivot.bucket
    ? resolveGroupItem({ column: pivot.column, bucket: pivot.bucket, as: 'pivot' }, 'aggregate.pivot', names)
    : resolveGroupItem(pivot.column, 'aggregate.pivot.column', names);
  // Its values are read in order, and a masked column's order would reveal more than its masks.
  if (on.kind === 'source') refuseMasked(on, 'pivot on', 'aggregate.pivot.column');
  if (groupBy.some((operand) => operandKey(operand) === operandKey(on))) {
    throw invalidQuery('the pivot column is already a row dimension (in groupBy)', 'aggregate.pivot.column');
  }
  if (measures.length === 0) throw invalidQuery('a pivot needs at least one measure', 'aggregate.measures');
  if (values === undefined) return [];
  if (values.length > QUERY_LIMITS.maxPivotValues) throw pivotTooWide(values.length, false);
  if (values.length === 0 && groupBy.length === 0) {
    // No row dimension and no value to put across: a result without a single column.
    throw invalidQuery(
      'no row holds a value of the pivot column: there is nothing to show',
      'aggregate.pivot.column',
    );
  }
  const cells = values.length * measures.length;
  if (cells > QUERY_LIMITS.maxColumns) {
    throw invalidQuery(
      `the pivot would make ${cells} columns (${values.length} values × ${measures.length} measures): ` +
        `at most ${QUERY_LIMITS.maxColumns}`,
      'aggregate.pivot.column',
    );
  }
  const type = operandType(on);
  return values.flatMap((raw, i) => {
    const value = raw === null ? null : castValue(type, raw, 'aggregate.pivot.column');
    const shown = raw === null ? PIVOT_NULL_LABEL : String(raw);
    return measures.map((measure): ResultColumn => {
      if (measure.operand.kind !== 'measure') throw new Error('a measure output reads a measure');
      const operand: MeasureOperand = measure.operand;
      return {
        name: `p${i + 1}_${measure.name}`,
        label: measures.length === 1 ? shown : `${shown} · ${measure.label}`,
        type: measure.type,
        format: measure.format,
        operand: { kind: 'pivot', measure: operand, on, value },
      };
    });
  });
}

/** 400 naming how many values the pivot column has (`atLeast`: the count stopped there). */
export function pivotTooWide(count: number, atLeast: boolean): AuroraError {
  return new AuroraError(
    ErrorCode.INVALID_QUERY,
    `The pivot column has ${atLeast ? 'at least ' : ''}${count} distinct values: at most ` +
      `${QUERY_LIMITS.maxPivotValues} can become columns. Filter it, or pivot on another column.`,
    'aggregate.pivot.column',
  );
}

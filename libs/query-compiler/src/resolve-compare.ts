import type { Query } from '@aurora/query-model';
import type { CatalogDataset } from './catalog';
import type { ComparePart, Comparison, MeasureOperand, ResultColumn } from './resolved';
import { castVintage, family, invalidQuery } from './resolve';

/**
 * A vintage comparison of the primary dataset: both vintages cast like `vintages`, and every measure numeric
 * (a difference and a change of text or dates would mean nothing).
 */
export function resolveComparison(
  query: Query,
  primary: CatalogDataset,
  measures: readonly ResultColumn[],
): Comparison {
  const compare = query.compare;
  if (!compare) throw new Error('resolveComparison needs a comparison');
  if (!query.aggregate) {
    throw invalidQuery('a comparison needs aggregate: its group-by keys and measures', 'compare');
  }
  if (query.aggregate.pivot) throw invalidQuery('compare vintages or pivot, not both', 'aggregate.pivot');
  if (!primary.partition) {
    throw invalidQuery(`${primary.label} has no Load Type or Load ID to compare`, 'compare');
  }
  if (query.vintages?.[primary.id]) {
    throw invalidQuery(
      `the comparison chooses the vintages of ${primary.id}: leave it out of vintages`,
      `vintages.${primary.id}`,
    );
  }
  const operands = measures.map((measure, i): MeasureOperand => {
    if (measure.operand.kind !== 'measure') throw new Error('a measure output reads a measure');
    if (family(measure.type) !== 'numeric') {
      throw invalidQuery(
        `${measure.label} is not numeric: only numeric measures can be compared`,
        `aggregate.measures[${i}]`,
      );
    }
    return measure.operand;
  });
  return {
    base: castVintage(primary, compare.base, 'compare.base'),
    target: castVintage(primary, compare.target, 'compare.target'),
    measures: operands,
  };
}

const PARTS: readonly { part: Exclude<ComparePart, 'status'>; suffix: string; label: string }[] = [
  { part: 'base', suffix: 'base', label: 'base' },
  { part: 'target', suffix: 'target', label: 'target' },
  { part: 'diff', suffix: 'diff', label: 'difference' },
  { part: 'pct', suffix: 'pct', label: '% change' },
];

/** Per measure `<as>_base`, `<as>_target`, `<as>_diff`, `<as>_pct`, then `status`. */
export function compareOutputs(measures: readonly ResultColumn[]): ResultColumn[] {
  const columns = measures.flatMap((measure, index) =>
    PARTS.map(({ part, suffix, label }): ResultColumn => {
      const type = part === 'pct' ? 'number' : measure.type;
      return {
        name: `${measure.name}_${suffix}`,
        label: `${measure.label} (${label})`,
        type,
        format: part === 'pct' ? undefined : measure.format,
        operand: { kind: 'compare', part, index, type },
      };
    }),
  );
  const status: ResultColumn = {
    name: 'status',
    label: 'Status',
    type: 'string',
    operand: { kind: 'compare', part: 'status', index: -1, type: 'string' },
  };
  return [...columns, status];
}

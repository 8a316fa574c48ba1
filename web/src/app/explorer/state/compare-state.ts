import type { Query } from '../../api';
import type { Issue } from './filter-state';
import { isNumericType, type SchemaColumn } from './query-schema';

/** A vintage comparison's result columns per measure (docs/API.md, "compare"), with their labels. */
const PARTS = [
  { suffix: 'base', label: 'base' },
  { suffix: 'target', label: 'target' },
  { suffix: 'diff', label: 'difference' },
  { suffix: 'pct', label: '% change' },
] as const;

/** The keys, then each measure's base, target, difference and change, then the status. */
export function compareColumns(
  keys: readonly SchemaColumn[],
  measures: readonly SchemaColumn[],
): SchemaColumn[] {
  return [
    ...keys,
    ...measures.flatMap((measure) =>
      PARTS.map(({ suffix, label }): SchemaColumn => ({
        ref: `${measure.ref}_${suffix}`,
        label: `${measure.label} (${label})`,
        type: suffix === 'pct' ? 'number' : measure.type,
        format: suffix === 'pct' ? undefined : measure.format,
        dataset: null,
      })),
    ),
    { ref: 'status', label: 'Status', type: 'string', dataset: null },
  ];
}

/** The result names a comparison adds: what a restored view must not take for the primary dataset's columns. */
export function compareNames(query: Query): string[] {
  if (!query.compare) return [];
  const measures = query.aggregate?.measures ?? [];
  return [...measures.flatMap((m) => PARTS.map(({ suffix }) => `${m.as}_${suffix}`)), 'status'];
}

/** Why a comparison cannot run yet: it compares a summary, of numbers, between two chosen Load IDs. */
export function compareIssues(
  target: { readonly loadType: string | null; readonly loadId: string | null },
  measures: readonly SchemaColumn[] | null,
): Issue[] {
  const issues: Issue[] = [];
  if (target.loadType === null || target.loadId === null)
    issues.push({ path: 'compare.target', message: 'Choose the Load Type and Load ID to compare with' });
  if (measures === null)
    issues.push({
      path: 'compare',
      message: 'Summarize to compare vintages: group by the keys, add measures',
    });
  measures?.forEach((measure, i) => {
    if (!isNumericType(measure.type))
      issues.push({
        path: `aggregate.measures[${i}]`,
        message: `${measure.label} is not a number: it cannot be compared`,
      });
  });
  return issues;
}

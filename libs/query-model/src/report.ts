import { AuroraError, ErrorCode } from '@aurora/errors';
import { z } from 'zod';
import { ChartSpecSchema } from './chart';
import { IDENTIFIER_PATTERN, QUERY_LIMITS } from './limits';
import type { FilterGroup, Query } from './schema';
import { parseBody, parseNestedQuery } from './validate';

/** The bounds of a saved report (docs/API.md, "Saved reports"). */
export const REPORT_LIMITS = {
  maxName: 200,
  maxDescription: 2_000,
  maxFolder: 200,
  maxLayoutColumns: QUERY_LIMITS.maxColumns + QUERY_LIMITS.maxMeasures,
  maxColumnWidth: 4_000,
  maxShares: 100,
  maxGrantee: 200,
  maxReportsPerOwner: 10_000,
  pageSize: 50,
  maxPageSize: 200,
  maxSearch: 200,
  trashDays: 30,
} as const;

const identifier = z.string().regex(IDENTIFIER_PATTERN, 'must be a name from the catalog');
const loadType = z.string().min(1).max(128);
const loadId = z.union([z.string().min(1).max(128), z.number()]);
/** Names are one line: no control character (a name ends up in headers, file names and lists). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const line = (max: number) => z.string().max(max).regex(ONE_LINE, 'must be one line of text');
/** Text may span lines, but never hold NUL, which PostgreSQL's text cannot store. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
export const NO_NUL = /^[^\u0000]*$/;

export const VintagePolicySchema = z.discriminatedUnion('policy', [
  /** The newest Load ID of the Load Type, resolved whenever the report runs. */
  z.strictObject({ policy: z.literal('latest'), loadType }),
  z.strictObject({ policy: z.literal('pinned'), loadType, loadId }),
]);
export type VintagePolicy = z.infer<typeof VintagePolicySchema>;

export const ReportLayoutSchema = z.strictObject({
  columns: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(130),
        width: z.int().min(10).max(REPORT_LIMITS.maxColumnWidth).optional(),
      }),
    )
    .max(REPORT_LIMITS.maxLayoutColumns),
  hidden: z.array(z.string().min(1).max(130)).max(REPORT_LIMITS.maxLayoutColumns),
  sort: z
    .array(z.strictObject({ column: z.string().min(1).max(130), dir: z.enum(['asc', 'desc']) }))
    .max(QUERY_LIMITS.maxSort),
  /** How the report is drawn as a chart (./chart.ts); without it, the default chart of its result's shape. */
  chart: ChartSpecSchema.optional(),
});
export type ReportLayout = z.infer<typeof ReportLayoutSchema>;

const ReportContentSchema = z.strictObject({
  name: line(REPORT_LIMITS.maxName)
    .min(1)
    .refine((name) => name.trim().length > 0, 'must not be blank'),
  description: z.string().max(REPORT_LIMITS.maxDescription).regex(NO_NUL, 'must not hold NUL').optional(),
  folder: line(REPORT_LIMITS.maxFolder).optional(),
  query: z.record(z.string(), z.unknown()),
  vintages: z.record(identifier, VintagePolicySchema).optional(),
  layout: ReportLayoutSchema.optional(),
});

/** What a person saves: everything but who owns it, its versions and its shares. */
export interface ReportContent {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  /** The query model of API.md, without vintages of its own: they come from `vintages`. */
  readonly query: Query;
  readonly vintages: Readonly<Record<string, VintagePolicy>>;
  readonly layout: ReportLayout;
}

export const EMPTY_LAYOUT: ReportLayout = { columns: [], hidden: [], sort: [] };

/** Validates a report body; errors inside the query point at `query.…`. */
export function parseReportContent(input: unknown): ReportContent {
  const { name, description, folder, vintages, layout, ...body } = parseBody(
    ReportContentSchema,
    input,
    'a valid report',
  );
  const query = parseNestedQuery(body.query);
  if (query.vintages !== undefined)
    throw new AuroraError(
      ErrorCode.INVALID_QUERY,
      "A report's query holds no vintages: choose them in the report's `vintages`.",
      'query.vintages',
    );
  return {
    name: name.trim(),
    description: description ?? '',
    folder: folder?.trim() ?? '',
    query,
    vintages: vintages ?? {},
    layout: layout ?? EMPTY_LAYOUT,
  };
}

export const ReportSharesSchema = z
  .array(
    z.union([
      z.strictObject({ user: line(REPORT_LIMITS.maxGrantee).min(1), role: z.enum(['view', 'edit']) }),
      z.strictObject({ group: line(REPORT_LIMITS.maxGrantee).min(1), role: z.enum(['view', 'edit']) }),
    ]),
  )
  .max(REPORT_LIMITS.maxShares);
export type ReportShare = z.infer<typeof ReportSharesSchema>[number];

export function parseReportShares(input: unknown): ReportShare[] {
  return parseBody(ReportSharesSchema, input, 'a list of shares');
}

const COMPARE_SUFFIXES = ['base', 'target', 'diff', 'pct'] as const;

/** A column reference of a query and where in the query it stands (`query.filter.items[0].column`). */
export interface QueryReference {
  readonly path: string;
  readonly reference: string;
}

/**
 * Every column reference of a query that names the catalog, with its path: what must still exist for a saved
 * report to run. Bare names of measures (`sort`, `resultFilter`) name the query's own results and are skipped.
 */
export function catalogReferences(query: Query): QueryReference[] {
  const names = query.aggregate?.measures.map((m) => m.as) ?? [];
  // A comparison's and a pivot's result columns are named after the measures (docs/API.md).
  const compared = query.compare
    ? [...names.flatMap((as) => COMPARE_SUFFIXES.map((s) => `${as}_${s}`)), 'status']
    : [];
  // Measures and calculated columns are named by the query itself, not by the catalog.
  const measures = new Set([...names, ...compared, ...(query.computed?.map((c) => c.as) ?? [])]);
  const pivoted = (reference: string): boolean =>
    query.aggregate?.pivot !== undefined &&
    names.some((as) => new RegExp(`^p[1-9][0-9]*_${as}$`).test(reference));
  const found: QueryReference[] = [];
  const add = (path: string, reference: string | null | undefined): void => {
    if (reference && !measures.has(reference) && !pivoted(reference))
      found.push({ path: `query.${path}`, reference });
  };
  query.columns?.forEach((c, i) => add(`columns[${i}]`, c));
  query.joins?.forEach((join, j) =>
    join.on.forEach((pair, p) => {
      add(`joins[${j}].on[${p}].left`, pair.left);
      add(`joins[${j}].on[${p}].right`, pair.right);
    }),
  );
  const walk = (group: FilterGroup, path: string): void =>
    group.items.forEach((item, i) =>
      item.kind === 'group'
        ? walk(item, `${path}.items[${i}]`)
        : add(`${path}.items[${i}].column`, item.column),
    );
  if (query.filter) walk(query.filter, 'filter');
  if (query.resultFilter) walk(query.resultFilter, 'resultFilter');
  query.aggregate?.groupBy.forEach((item, i) =>
    typeof item === 'string'
      ? add(`aggregate.groupBy[${i}]`, item)
      : add(`aggregate.groupBy[${i}].column`, item.column),
  );
  query.aggregate?.measures.forEach((m, i) => add(`aggregate.measures[${i}].column`, m.column));
  add('aggregate.pivot.column', query.aggregate?.pivot?.column);
  query.sort?.forEach((s, i) => add(`sort[${i}].column`, s.column));
  return found;
}

import { AuroraError, ErrorCode } from '@aurora/errors';
import type { CompiledQuery, SourceInfo } from '@aurora/query-compiler';
import type { DatabaseAdapter, QueryOptions } from '@aurora/warehouse';

export interface CostLimits {
  /** Refuse queries whose biggest step the engine estimates above this many rows (0: no check). */
  readonly QUERY_COST_CEILING: number;
  /** A dataset the catalog estimates at no more rows than this is cheap to read whole. */
  readonly QUERY_COST_CHECK_MIN_ROWS: number;
}

/**
 * The cost guard: ask the engine's estimate first, and refuse what would scan the warehouse whole. The
 * estimate is a round trip of its own, so it is skipped when every dataset is cheap: small by the catalog's
 * estimate, or read for one vintage of its partitioned table.
 */
export async function checkCost(
  warehouse: DatabaseAdapter,
  compiled: CompiledQuery,
  limits: CostLimits,
  options: QueryOptions,
): Promise<void> {
  const ceiling = limits.QUERY_COST_CEILING;
  if (ceiling === 0 || compiled.sources.every((source) => cheap(source, limits))) return;
  const estimate = await warehouse.estimateCost(compiled, options);
  if (estimate <= ceiling) return;
  const rows = Math.round(estimate).toLocaleString('en-US');
  throw new AuroraError(
    ErrorCode.QUERY_TOO_EXPENSIVE,
    `This query would process about ${rows} rows. ${advice(compiled.sources)}`,
  );
}

function cheap(source: SourceInfo, limits: CostLimits): boolean {
  return source.rowEstimate <= limits.QUERY_COST_CHECK_MIN_ROWS || source.partition?.vintage === true;
}

/** Names the partition filters that would help, when there are any to choose. */
function advice(sources: readonly SourceInfo[]): string {
  const unfiltered = sources.filter((source) => source.partition?.vintage === false);
  if (unfiltered.length === 0) return 'Add filters to narrow it.';
  const names = new Intl.ListFormat('en', { type: 'conjunction' }).format(unfiltered.map((s) => s.label));
  return `Choose a Load Type and Load ID for ${names} to narrow it.`;
}

import {
  chartBindings,
  downsample,
  fitsColumns,
  kpiValue,
  savedOrDefault,
  withRoles,
  type Cell,
  type ChartColumn,
  type PreviousVintage,
} from '@aurora/charts';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { readLastRow, readSummaryRows, type CallContext, type SummaryRows } from '@aurora/proto';
import { CHART_LIMITS, parseQuery, QUERY_LIMITS, type ChartSpec, type Query } from '@aurora/query-model';
import type { Response } from 'express';
import { currentAccess } from '../audit/access';
import type { GrpcClients } from '../http/grpc-clients';
import { earlierLoadIds, pinned } from './vintage-history';

/** What `POST /reports/{id}/chart` and `POST /query/chart` answer (docs/API.md, "Charts"). */
export interface ChartAnswer {
  readonly spec: ChartSpec;
  readonly columns: readonly ChartColumn[];
  readonly data: readonly (readonly Cell[])[];
  readonly downsampledFrom?: number;
  readonly previousVintage?: PreviousVintage;
}

/** Which spec a chart is drawn with: one the request asks for, else the report's saved one, else the default. */
export interface ChartChoice {
  readonly requested?: ChartSpec | undefined;
  readonly saved?: ChartSpec | undefined;
}

/**
 * A chart's data: the summary's rows read as a grid reads them, through preview pages of the query service
 * (the `view` action, and the row policies and column masks of the asker applied in each dataset's scan), so
 * a chart shows nothing its grid would not. Refused when the query is no summary, or over CHART_LIMITS.maxRows
 * rows (counted first, as the grid counts). Long line and area series are downsampled (LTTB) here. A KPI without
 * `x` on a query reading a vintage of its primary dataset also gets its value at the previous Load ID.
 */
export async function chartOf(
  clients: GrpcClients,
  input: Record<string, unknown>,
  choice: ChartChoice,
  context: CallContext,
): Promise<ChartAnswer> {
  const query = parseQuery(input);
  if (!query.aggregate)
    throw new AuroraError(
      ErrorCode.INVALID_QUERY,
      'A chart draws a summary: group the rows or add a measure first.',
      'aggregate', // paths inside the query are the query's own, as preview's are
    );
  const whole: Query = { ...query, page: undefined }; // every row: the pages are the chart's to choose
  const { count } = await clients.query.count(JSON.stringify(whole), context);
  if (count > CHART_LIMITS.maxRows)
    throw new AuroraError(
      ErrorCode.ROW_LIMIT_EXCEEDED,
      `This summary has ${count.toLocaleString('en-US')} rows; a chart draws at most ${CHART_LIMITS.maxRows.toLocaleString('en-US')}: group by fewer or coarser columns, or filter it.`,
    );
  const { columns: read, rows } = await summaryRows(clients, whole, count, context);
  const columns = withRoles(read, new Set(query.aggregate.measures.map((m) => m.as)));
  const spec = chosenSpec(choice, columns);
  const { data, downsampledFrom } = downsample(spec, { columns, rows });
  const previousVintage = await previousVintageOf(clients, whole, spec, context);
  return {
    spec,
    columns,
    data: data.rows,
    ...(downsampledFrom === undefined ? {} : { downsampledFrom }),
    ...(previousVintage ? { previousVintage } : {}),
  };
}

/**
 * What a KPI without `x` compares against: the same summary pinned to the Load ID before the one it reads (of
 * its primary dataset's Load Type), read as the chart's rows were, with the asker's rights. None for another
 * chart, a query reading no vintage or its earliest one, and a vintage comparison (it compares two already).
 */
async function previousVintageOf(
  clients: GrpcClients,
  query: Query,
  spec: ChartSpec,
  context: CallContext,
): Promise<PreviousVintage | undefined> {
  if (spec.type !== 'kpi' || spec.x !== undefined || query.compare) return undefined;
  const [loadId] = await earlierLoadIds(clients.metadata, query, 1, context);
  if (loadId === undefined) return undefined;
  const { columns, row } = await readLastRow(
    clients.query,
    pinned(query, loadId),
    context,
    QUERY_LIMITS.maxPageSize,
  );
  return { loadId, value: kpiValue(spec, { columns, rows: row ? [row] : [] }) };
}

/** Sends a chart's answer once its audit record (the rows sent) is stored, as a preview page is. */
export async function sendChart(response: Response, answer: ChartAnswer): Promise<void> {
  const body = JSON.stringify(answer);
  await currentAccess().grant({ rows: answer.data.length, bytes: Buffer.byteLength(body) });
  response.status(200).type('application/json').send(body);
}

/**
 * Every row of a summary whose rows were counted (`count`), read as a grid reads them (readSummaryRows: preview
 * pages, the asker's rights applied in each dataset's scan). Charts and alert checks read through this.
 */
export function summaryRows(
  clients: GrpcClients,
  query: Query,
  count: number,
  context: CallContext,
): Promise<SummaryRows> {
  return readSummaryRows(clients.query, query, count, context, { pageSize: QUERY_LIMITS.maxPageSize });
}

/**
 * A requested spec must fit the result (else INVALID_QUERY at `chart`); a saved one that no longer does (its
 * query changed since) gives way to the default of the result's shape.
 */
function chosenSpec(choice: ChartChoice, columns: readonly ChartColumn[]): ChartSpec {
  if (choice.requested) {
    if (fitsColumns(choice.requested, columns)) return choice.requested;
    const names = new Set(columns.map((c) => c.name));
    const missing = chartBindings(choice.requested).find((name) => !names.has(name));
    throw new AuroraError(
      ErrorCode.INVALID_QUERY,
      missing === undefined
        ? 'A chart needs at least one measure in `y`.'
        : `The chart names ${missing}, which is not a column of this result.`,
      'chart',
    );
  }
  return savedOrDefault(choice.saved, columns);
}

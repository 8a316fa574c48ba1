import {
  downsample,
  formatValue,
  isMeasure,
  kpiValue,
  savedOrDefault,
  withRoles,
  type Cell,
  type ChartColumn,
  type PreviousVintage,
} from '@aurora/charts';
import { renderSvg } from '@aurora/charts/svg';
import { renderPng, writePdf, type DashboardDocument, type TileContent } from '@aurora/dashboard-pdf';
import { isAuroraError } from '@aurora/errors';
import {
  DASHBOARD_JOB_LIMITS,
  DashboardJobSchema,
  type DashboardFormat,
  type DashboardJobTile,
} from '@aurora/export-jobs';
import {
  readLastRow,
  readSummaryRows,
  type CallContext,
  type PreviewPage,
  type QueryClient,
} from '@aurora/proto';
import { QUERY_LIMITS, type ChartSpec } from '@aurora/query-model';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Errors that belong to one tile (a dataset the owner may no longer read, a query the catalog outgrew): the tile says so, the rest are drawn. */
const TILE_ERRORS: ReadonlySet<string> = new Set([
  'INVALID_QUERY',
  'UNKNOWN_DATASET',
  'UNKNOWN_COLUMN',
  'INVALID_VALUE',
  'PARTITION_FILTER_REQUIRED',
  'QUERY_TOO_EXPENSIVE',
  'ROW_LIMIT_EXCEEDED',
  'FORBIDDEN',
  'NOT_FOUND',
]);

/** Points per line or area series drawn in a tile (LTTB), about one per point of the widest tile. */
const PDF_POINTS = 1_000;
/**
 * Bars, slices or scatter points one chart tile draws at most: each is a shape (and a bar or slice a label) in the
 * server's SVG, and 50,000 of them take more than the worker's heap; more than a tile can show anyway.
 */
const PDF_MARKS = 2_000;
const MARKS: Partial<Record<ChartSpec['type'], string>> = { bar: 'bars', pie: 'slices', scatter: 'points' };

export interface DashboardFileInput {
  readonly format: DashboardFormat;
  readonly dashboardJson: string;
  /** The job's owner, signed: every tile's rows are read as them. */
  readonly context: CallContext;
  readonly query: QueryClient;
  /** Rows read so far, for the job's progress. */
  readonly onRows: (rows: number) => Promise<void>;
}

/**
 * A dashboard job's file on `output`: each tile's rows read through the query service as the job's owner (their
 * rights, row policies and masks, as the dashboard showed them), one tile at a time, then drawn by
 * @aurora/dashboard-pdf. Resolves with the rows read.
 */
export async function writeDashboardFile(input: DashboardFileInput, output: Writable): Promise<number> {
  const job = DashboardJobSchema.parse(JSON.parse(input.dashboardJson));
  let rows = 0;
  const counted = async (n: number): Promise<void> => {
    rows += n;
    await input.onRows(rows);
  };
  const document: DashboardDocument = {
    title: job.name,
    filters: job.filters,
    footer: `Exported ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by ${input.context.principal.name || input.context.principal.sub}`,
    tiles: job.tiles.map((tile) => ({
      title: tile.title,
      caption: caption(tile),
      x: tile.x,
      y: tile.y,
      w: tile.w,
      h: tile.h,
      content: () => tileContent(tile, input, counted),
    })),
  };
  switch (input.format) {
    case 'pdf':
      await writePdf(document, output);
      return rows;
    case 'png':
      output.end(await renderPng(document));
      await finished(output);
      return rows;
  }
}

/** The vintages a tile reads, under its title. */
function caption(tile: DashboardJobTile): string | undefined {
  const vintages = Object.values(tile.vintages).map((v) => `${v.loadType} ${v.loadId ?? 'latest'}`);
  return vintages.length === 0 ? undefined : [...new Set(vintages)].join(' · ');
}

async function tileContent(
  tile: DashboardJobTile,
  input: DashboardFileInput,
  counted: (rows: number) => Promise<void>,
): Promise<TileContent> {
  if (tile.problem) return { kind: 'message', text: tile.problem.detail };
  try {
    return tile.view === 'table' ? await table(tile, input, counted) : await chart(tile, input, counted);
  } catch (error) {
    if (isAuroraError(error) && TILE_ERRORS.has(error.code)) return { kind: 'message', text: error.detail };
    throw error; // a passing fault fails the attempt: the job is retried as a whole
  }
}

/** A summary's columns with their roles; a plain table's without (its numeric columns then read as measures). */
function columnsOf(columns: PreviewPage['columns'], tile: DashboardJobTile): ChartColumn[] {
  const aggregate = tile.query['aggregate'] as { measures?: { as?: unknown }[] } | undefined;
  if (aggregate) return withRoles(columns, new Set((aggregate.measures ?? []).map((m) => m.as)));
  return columns.map(({ name, label, type, format }) => ({
    name,
    label,
    type,
    ...(format ? { format } : {}),
  }));
}

/** The query a tile runs: its vintages filled in where the query names none for that dataset. */
function tileQuery(tile: DashboardJobTile, page?: { number: number; size: number }): Record<string, unknown> {
  const own = (tile.query['vintages'] ?? {}) as Record<string, unknown>;
  const pinned = Object.entries(tile.vintages).flatMap(([dataset, { loadType, loadId }]) =>
    loadId === undefined ? [] : [[dataset, { loadType, loadId }] as const],
  );
  const vintages = { ...Object.fromEntries(pinned), ...own };
  return {
    ...tile.query,
    ...(Object.keys(vintages).length > 0 ? { vintages } : {}),
    page: page ?? undefined,
  };
}

async function table(
  tile: DashboardJobTile,
  input: DashboardFileInput,
  counted: (rows: number) => Promise<void>,
): Promise<TileContent> {
  const size = DASHBOARD_JOB_LIMITS.maxTableRows;
  const [page, { count }] = await Promise.all([
    input.query.preview(JSON.stringify(tileQuery(tile, { number: 1, size })), input.context),
    input.query.count(JSON.stringify(tileQuery(tile)), input.context),
  ]);
  const rows = JSON.parse(page.rowsJson) as Cell[][];
  await counted(rows.length);
  return tableContent(columnsOf(page.columns, tile), rows, count);
}

function tableContent(
  columns: readonly ChartColumn[],
  rows: readonly (readonly Cell[])[],
  total: number,
): TileContent {
  return {
    kind: 'table',
    columns: columns.map((c) => ({ label: c.label, numeric: isMeasure(c) })),
    rows: rows
      .slice(0, DASHBOARD_JOB_LIMITS.maxTableRows)
      .map((row) => columns.map((c, i) => formatValue(row[i], c))),
    totalRows: total,
  };
}

/**
 * A chart tile: the summary's rows (at most maxChartRows, counted first, as `POST /reports/{id}/chart` does),
 * read by readSummaryRows (a few preview pages at once), drawn with the tile's chart (or the default of the
 * result's shape) as ECharts' SVG. A KPI without `x` compares against the previous vintage's query the gateway
 * signed with the tile.
 */
async function chart(
  tile: DashboardJobTile,
  input: DashboardFileInput,
  counted: (rows: number) => Promise<void>,
): Promise<TileContent> {
  if (!tile.query['aggregate'])
    return { kind: 'message', text: 'A chart draws a summary: this report has no grouping or measure.' };
  const { count } = await input.query.count(JSON.stringify(tileQuery(tile)), input.context);
  const limit = DASHBOARD_JOB_LIMITS.maxChartRows;
  if (count > limit)
    return {
      kind: 'message',
      text: `This summary has ${count.toLocaleString('en-US')} rows; a chart draws at most ${limit.toLocaleString('en-US')}.`,
    };
  const read = await readSummaryRows(input.query, tileQuery(tile), count, input.context, {
    pageSize: QUERY_LIMITS.maxPageSize,
    onRows: counted,
  });
  const columns = columnsOf(read.columns, tile);
  const rows = read.rows;
  const spec = savedOrDefault(tile.chart ?? undefined, columns);
  if (spec.type === 'table') return tableContent(columns, rows, rows.length);
  const marks = MARKS[spec.type];
  if (marks && rows.length > PDF_MARKS)
    return {
      kind: 'message',
      text: `This ${spec.type} chart has ${rows.length.toLocaleString('en-US')} ${marks}; a chart on the page draws at most ${PDF_MARKS.toLocaleString('en-US')}: group by fewer or coarser columns, or show it as a table.`,
    };
  // A tile is at most a page wide (~830 pt): more points than PDF_POINTS per series draw nothing more.
  const { data } = downsample(spec, { columns, rows }, PDF_POINTS);
  const previousVintage = await previousVintageOf(tile, spec, input, counted);
  return { kind: 'chart', svg: (box) => renderSvg(spec, { ...data, previousVintage }, box) };
}

/** A KPI without `x`: its value in the previous vintage's query, exactly as the gateway signed it. */
async function previousVintageOf(
  tile: DashboardJobTile,
  spec: ChartSpec,
  input: DashboardFileInput,
  counted: (rows: number) => Promise<void>,
): Promise<PreviousVintage | undefined> {
  const previous = tile.previousVintage;
  if (!previous || spec.type !== 'kpi' || spec.x !== undefined) return undefined;
  const { columns, row } = await readLastRow(
    input.query,
    previous.query,
    input.context,
    QUERY_LIMITS.maxPageSize,
  );
  const rows = row ? [row] : [];
  await counted(rows.length);
  return { loadId: previous.loadId, value: kpiValue(spec, { columns, rows }) };
}

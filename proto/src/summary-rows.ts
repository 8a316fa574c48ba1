import type { Cell } from '@aurora/row-batches';
import type { CallContext } from './call';
import type { PreviewPage, QueryClient } from './clients';

/** Preview pages read at once: a few, so one reader cannot take the query service's pool. */
export const PAGES_AT_ONCE = 4;

/** A query as JSON would carry it: its `page` is the reader's to set. */
export type QueryBody = Readonly<Record<string, unknown>>;

export interface PagedRead {
  /** Rows per preview page: the largest the query service answers (QUERY_LIMITS.maxPageSize). */
  readonly pageSize: number;
  /** Told the rows of each batch of pages as they arrive (an export's progress). */
  readonly onRows?: ((rows: number) => Promise<void>) | undefined;
}

export interface SummaryRows {
  readonly columns: PreviewPage['columns'];
  readonly rows: Cell[][];
}

/**
 * Every row of a query whose rows were counted (`count`), read as a grid reads them: preview pages of the query
 * service, so the `view` action and the caller's row policies and masks apply in each dataset's scan. The pages
 * the count implies are read PAGES_AT_ONCE at a time, in order; a page that says it is the last (the data
 * changed since the count) ends the read. Charts, alert checks and dashboard tiles read summaries through this.
 */
export async function readSummaryRows(
  client: QueryClient,
  query: QueryBody,
  count: number,
  context: CallContext,
  { pageSize, onRows }: PagedRead,
): Promise<SummaryRows> {
  const last = Math.max(1, Math.ceil(count / pageSize));
  let columns: PreviewPage['columns'] = [];
  const rows: Cell[][] = [];
  for (let first = 1; first <= last; first += PAGES_AT_ONCE) {
    const numbers = Array.from({ length: Math.min(PAGES_AT_ONCE, last - first + 1) }, (_, i) => first + i);
    const batch = await Promise.all(
      numbers.map((number) => client.preview(paged(query, number, pageSize), context)),
    );
    const end = batch.findIndex((page) => !page.hasMore);
    const read = end < 0 ? batch : batch.slice(0, end + 1);
    if (first === 1) columns = read[0]?.columns ?? [];
    const before = rows.length;
    for (const page of read) rows.push(...rowsOf(page));
    await onRows?.(rows.length - before);
    if (end >= 0) break;
  }
  return { columns, rows };
}

/**
 * The last row of a query (a KPI's value), read as a grid reads it: the rows counted, then the last preview page
 * alone. Undefined when the query has no rows.
 */
export async function readLastRow(
  client: QueryClient,
  query: QueryBody,
  context: CallContext,
  pageSize: number,
): Promise<{ columns: PreviewPage['columns']; row: Cell[] | undefined }> {
  const { count } = await client.count(JSON.stringify({ ...query, page: undefined }), context);
  const page = await client.preview(
    paged(query, Math.max(1, Math.ceil(count / pageSize)), pageSize),
    context,
  );
  return { columns: page.columns, row: rowsOf(page).at(-1) };
}

function paged(query: QueryBody, number: number, size: number): string {
  return JSON.stringify({ ...query, page: { number, size } });
}

function rowsOf(page: PreviewPage): Cell[][] {
  return JSON.parse(page.rowsJson) as Cell[][];
}

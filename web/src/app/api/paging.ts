import type { Query } from './api.types';

/** Rows per page of the preview: the grid's block size, and the first page a bookmarked view asks for. */
export const PAGE_SIZE = 50;

/** One page of the preview (1-based page numbers, as docs/API.md). */
export function pageQuery(query: Query, startRow: number, size: number): Query {
  return { ...query, page: { number: Math.floor(startRow / size) + 1, size } };
}

import { titleCase } from '@aurora/query-model/labels';
import type { ColumnType } from '../../api';
import type { SchemaColumn } from './query-schema';

/**
 * A calculated column of the view (docs/API.md, "Calculated columns"). Its type is the server's: known once
 * the server has checked the expression, null for one restored from a link or report until it has.
 */
export interface ComputedState {
  readonly as: string;
  readonly expr: string;
  readonly type: ColumnType | null;
}

/** The view's calculated columns whose type is known, as columns the builders and the grid can use. */
export function computedColumns(computed: readonly ComputedState[]): SchemaColumn[] {
  return computed.flatMap(({ as, type }) =>
    type === null ? [] : [{ ref: as, label: titleCase(as), type, dataset: null }],
  );
}

/**
 * The column references to offer while typing an expression: those starting with the word that ends at `cursor`
 * (letters, digits, `_` and `.`), at most `max`. The word's start is returned, to replace it.
 */
export function completions(
  text: string,
  cursor: number,
  columns: readonly SchemaColumn[],
  max = 8,
): { readonly start: number; readonly refs: readonly string[] } {
  let start = cursor;
  while (start > 0 && /[\w.]/.test(text.charAt(start - 1))) start -= 1;
  const word = text.slice(start, cursor).toLowerCase();
  // Inside a text literal (an odd number of quotes before the word) nothing is a column.
  const quotes = (text.slice(0, start).match(/'/g) ?? []).length;
  if (word === '' || quotes % 2 === 1) return { start, refs: [] };
  const refs = columns
    .filter((column) => column.dataset !== null && !column.masking)
    .map((column) => column.ref)
    .filter((ref) => ref.toLowerCase().startsWith(word) || ref.toLowerCase().includes(`.${word}`));
  return { start, refs: refs.slice(0, max) };
}

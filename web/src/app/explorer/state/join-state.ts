import type { DatasetDetail, Join } from '../../api';
import { newId } from './filter-state';
import { qualify } from './query-schema';
import type { JoinState } from './query-state';

export const JOIN_TYPES: readonly { readonly type: Join['type']; readonly label: string }[] = [
  { type: 'inner', label: 'INNER' },
  { type: 'left', label: 'LEFT' },
  { type: 'right', label: 'RIGHT' },
  { type: 'full', label: 'FULL OUTER' },
];

/**
 * The catalog's suggested keys between `joined` and the datasets already in the query, in either direction
 * (sales suggests products; a products-first query still finds the pair through sales' suggestion).
 */
export function suggestedOn(earlier: readonly DatasetDetail[], joined: DatasetDetail): JoinState['on'] {
  for (const detail of earlier) {
    const forward = detail.joins.find((join) => join.dataset === joined.id);
    if (forward)
      return forward.on.map((pair) => newPair(qualify(detail.id, pair.left), qualify(joined.id, pair.right)));
    const backward = joined.joins.find((join) => join.dataset === detail.id);
    if (backward)
      return backward.on.map((pair) =>
        newPair(qualify(detail.id, pair.right), qualify(joined.id, pair.left)),
      );
  }
  return [newPair(null, null)];
}

export function newPair(left: string | null, right: string | null): JoinState['on'][number] {
  return { id: newId('p'), left, right };
}

/** A join of `joined` with the suggested keys (or one empty pair), LEFT by default: no source row is lost. */
export function newJoin(earlier: readonly DatasetDetail[], joined: DatasetDetail): JoinState {
  return {
    id: newId('j'),
    dataset: joined.id,
    type: 'left',
    on: suggestedOn(earlier, joined),
    vintage: { loadType: null, loadId: null },
  };
}

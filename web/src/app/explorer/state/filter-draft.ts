import { Injectable, computed, signal } from '@angular/core';
import {
  addNode,
  emptyGroup,
  moveNode,
  newCondition,
  removeNode,
  toFilter,
  updateCondition,
  updateGroup,
  type ConditionPatch,
  type FilterColumn,
  type FilterNodeState,
  type GroupState,
  type Issue,
} from './filter-state';

export type FilterTarget = 'filter' | 'resultFilter';

/**
 * The filter builder's working copy: both trees (source rows and, when aggregated, the summary), edited
 * immutably until Apply. Provided by the builder so its recursive group editors share it.
 */
@Injectable()
export class FilterDraft {
  readonly trees = signal<Readonly<Record<FilterTarget, GroupState>>>({
    filter: emptyGroup(),
    resultFilter: emptyGroup(),
  });
  readonly columns = signal<Readonly<Record<FilterTarget, readonly FilterColumn[]>>>({
    filter: [],
    resultFilter: [],
  });
  readonly target = signal<FilterTarget>('filter');
  /** Conditions a person has edited, and whether Apply was tried: only then are their problems shown. */
  private readonly touched = signal<ReadonlySet<string>>(new Set());
  readonly attempted = signal(false);

  readonly tree = computed(() => this.trees()[this.target()]);
  readonly targetColumns = computed(() => this.columns()[this.target()]);
  private readonly results = computed(() => ({
    filter: toFilter(this.trees().filter, this.columns().filter, 'filter'),
    resultFilter: toFilter(this.trees().resultFilter, this.columns().resultFilter, 'resultFilter'),
  }));
  /** Every problem of both trees: Apply waits until there is none. */
  readonly issues = computed<readonly Issue[]>(() => [
    ...this.results().filter.issues,
    ...this.results().resultFilter.issues,
  ]);
  /** The first problem of each node, for the inline messages (a new, untouched condition is not nagged). */
  readonly issuesByNode = computed(() => {
    const byNode = new Map<string, string>();
    const shown = (id: string): boolean => this.attempted() || this.touched().has(id);
    for (const issue of this.issues()) {
      if (issue.nodeId && !byNode.has(issue.nodeId) && shown(issue.nodeId))
        byNode.set(issue.nodeId, issue.message);
    }
    return byNode;
  });

  private edit(fn: (tree: GroupState) => GroupState): void {
    const target = this.target();
    this.trees.update((trees) => ({ ...trees, [target]: fn(trees[target]) }));
  }

  addCondition(groupId: string): void {
    this.edit((tree) => addNode(tree, groupId, newCondition(this.targetColumns()[0] ?? null)));
  }
  addGroup(groupId: string): void {
    const group: FilterNodeState = {
      ...emptyGroup('or'),
      items: [newCondition(this.targetColumns()[0] ?? null)],
    };
    this.edit((tree) => addNode(tree, groupId, group));
  }
  remove(id: string): void {
    this.edit((tree) => removeNode(tree, id));
  }
  move(id: string, offset: -1 | 1): void {
    this.edit((tree) => moveNode(tree, id, offset));
  }
  setGroup(id: string, patch: Partial<Pick<GroupState, 'op' | 'not'>>): void {
    this.edit((tree) => updateGroup(tree, id, patch));
  }
  setCondition(id: string, patch: ConditionPatch): void {
    if (patch.text !== undefined || patch.high !== undefined)
      this.touched.update((ids) => new Set(ids).add(id));
    this.edit((tree) => updateCondition(tree, id, patch, this.targetColumns()));
  }
  clear(): void {
    this.edit((tree) => ({ ...tree, not: false, items: [] }));
  }
}

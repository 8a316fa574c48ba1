import { AuroraError, ErrorCode } from '@aurora/errors';
import { parseQuery } from '../src';

export { AuroraError, ErrorCode };

/** Untrusted JSON as it arrives in a request body: no type help, on purpose. */
export type Json = Record<string, unknown>;

/** The smallest valid query: one dataset, one column. */
export function aQuery(overrides: Json = {}): Json {
  return { dataset: 'global_sales', columns: ['global_sales.region'], ...overrides };
}

export function aCondition(overrides: Json = {}): Json {
  return { kind: 'condition', column: 'global_sales.region', operator: '=', value: 'EMEA', ...overrides };
}

/** A condition with `operator` and exactly the given operand fields (`value`, `values`, or none). */
export function aConditionOf(operator: string, operands: Json = {}): Json {
  return { kind: 'condition', column: 'global_sales.region', operator, ...operands };
}

export function aGroup(items: unknown[], overrides: Json = {}): Json {
  return { kind: 'group', op: 'and', items, ...overrides };
}

export function aMeasure(overrides: Json = {}): Json {
  return { fn: 'sum', column: 'global_sales.amount', as: 'total_amount', ...overrides };
}

export function aJoin(dataset = 'employee_roster', overrides: Json = {}): Json {
  return {
    dataset,
    type: 'left',
    on: [{ left: 'global_sales.employee_id', right: `${dataset}.employee_id` }],
    ...overrides,
  };
}

/** A query whose source filter is one group holding the given items. */
export function aQueryFiltering(items: unknown[]): Json {
  return aQuery({ filter: aGroup(items) });
}

/** A query filtering on a single condition. */
export function aQueryWithCondition(condition: Json): Json {
  return aQueryFiltering([condition]);
}

export function conditions(count: number): Json[] {
  return Array.from({ length: count }, (_, i) => aCondition({ value: `v${i}` }));
}

/**
 * `depth` groups, each holding the next, with one condition in the innermost. Built iteratively so that a
 * very deep body does not need a deep stack to build.
 */
export function nestedGroups(depth: number): Json {
  let group = aGroup([aCondition()]);
  for (let level = 1; level < depth; level += 1) group = aGroup([group]);
  return group;
}

/** The path of the innermost group built by `nestedGroups(depth)` under `root`. */
export function innermostGroupPath(root: string, depth: number): string {
  return root + '.items[0]'.repeat(depth - 1);
}

/** The error thrown by `action`; fails the test when nothing is thrown. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw, but it returned normally');
}

/** Parses `input`, expecting `INVALID_QUERY` at `path` (undefined: the body as a whole). */
export function expectInvalidQuery(input: unknown, path: string | undefined): AuroraError {
  const error = thrownBy(() => parseQuery(input));
  expect(error).toBeInstanceOf(AuroraError);
  expect(error).toMatchObject({ code: ErrorCode.INVALID_QUERY, path });
  return error as AuroraError;
}

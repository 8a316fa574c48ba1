import { AuroraError, ErrorCode } from '@aurora/errors';
import type { z } from 'zod';
import { QUERY_LIMITS } from './limits';
import { QuerySchema, type FilterGroup, type Query } from './schema';

/**
 * Validates an untrusted query body. Throws `INVALID_QUERY` with a JSON path (`filter.items[2].column`) on the
 * first problem; returns the typed query otherwise. Semantic checks against the catalog come later (compiler).
 */
export function parseQuery(input: unknown): Query {
  checkJsonDepth(input);
  const result = QuerySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(issue ? describeIssue(issue) : 'is not a valid query', issue ? issuePath(issue) : '');
  }
  const query = result.data;
  checkFilterBounds(query);
  if (!query.aggregate && !query.columns) {
    throw invalid('choose at least one column', 'columns');
  }
  return query;
}

/**
 * Validates `input` against a body schema: the parsed value, or INVALID_QUERY with the first issue's message and
 * path (`what` describes the body when zod gives no message).
 */
export function parseBody<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalid(issue?.message ?? `is not ${what}`, issue ? issuePath(issue) : '');
}

/** The query inside a larger body (an export, a report): its errors point at `query.…`. */
export function parseNestedQuery(input: unknown): Query {
  try {
    return parseQuery(input);
  } catch (error) {
    if (error instanceof AuroraError)
      throw new AuroraError(error.code, error.detail, error.path ? `query.${error.path}` : 'query');
    throw error;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Where the issue is; an unknown field is pointed at itself rather than at the object holding it. */
export function issuePath(issue: z.core.$ZodIssue): string {
  const [firstUnknown] = issue.code === 'unrecognized_keys' ? issue.keys : [];
  return formatPath(firstUnknown === undefined ? issue.path : [...issue.path, firstUnknown]);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    // The names come from the body: keep the detail readable whatever a hostile client sends.
    const shown = issue.keys.slice(0, MAX_FIELDS_SHOWN).map((key) => `"${shorten(key)}"`);
    const more =
      issue.keys.length > MAX_FIELDS_SHOWN ? ` and ${issue.keys.length - MAX_FIELDS_SHOWN} more` : '';
    return `unknown field ${shown.join(', ')}${more}`;
  }
  if (issue.code === 'too_big' && issue.origin === 'array')
    return `has more than ${String(issue.maximum)} items`;
  return issue.message;
}

const MAX_FIELDS_SHOWN = 3;
const MAX_FIELD_NAME_SHOWN = 40;

function shorten(name: string): string {
  return name.length > MAX_FIELD_NAME_SHOWN ? `${name.slice(0, MAX_FIELD_NAME_SHOWN)}…` : name;
}

function invalid(detail: string, path: string): AuroraError {
  return new AuroraError(ErrorCode.INVALID_QUERY, detail, path || undefined);
}

/**
 * Refuses a value (parsed JSON) nesting more than `maxJsonDepth` objects and arrays, without recursion: a
 * hostile body nested 100,000 deep would overflow the stack of any recursive walk (JSON.stringify, zod).
 */
export function checkJsonDepth(input: unknown): void {
  // Every body passes through here: two stacks of only the objects and arrays, and no array of each one's
  // values, made this walk several times faster than a stack of { value, depth } over every value.
  const values: object[] = [];
  const depths: number[] = [];
  const push = (child: unknown, depth: number): void => {
    if (typeof child !== 'object' || child === null) return;
    values.push(child);
    depths.push(depth);
  };
  push(input, 1);
  for (let value = values.pop(); value !== undefined; value = values.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > QUERY_LIMITS.maxJsonDepth) {
      throw invalid(
        `the body is nested too deeply: at most ${QUERY_LIMITS.maxJsonDepth} objects and arrays one inside another`,
        '',
      );
    }
    if (Array.isArray(value)) {
      for (const child of value) push(child, depth + 1);
    } else {
      for (const key in value) {
        if (Object.hasOwn(value, key)) push((value as Record<string, unknown>)[key], depth + 1);
      }
    }
  }
}

function checkFilterBounds(query: Query): void {
  let conditions = 0;
  const visit = (group: FilterGroup, depth: number, path: string): void => {
    if (depth > QUERY_LIMITS.maxFilterDepth) {
      throw invalid(`filters may be nested at most ${QUERY_LIMITS.maxFilterDepth} groups deep`, path);
    }
    group.items.forEach((item, index) => {
      const itemPath = `${path}.items[${index}]`;
      if (item.kind === 'group') {
        visit(item, depth + 1, itemPath);
        return;
      }
      conditions += 1;
      if (conditions > QUERY_LIMITS.maxConditions) {
        throw invalid(`a query may have at most ${QUERY_LIMITS.maxConditions} conditions`, itemPath);
      }
    });
  };
  if (query.filter) visit(query.filter, 1, 'filter');
  if (query.resultFilter) visit(query.resultFilter, 1, 'resultFilter');
}

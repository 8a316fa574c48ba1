import { checkJsonDepth, parseExportRequest, parseQuery, QUERY_LIMITS } from '../src';
import {
  aConditionOf,
  aGroup,
  aQuery,
  expectInvalidQuery,
  innermostGroupPath,
  nestedGroups,
  type Json,
} from './fixtures';

/** `depth` arrays, each holding the next, built iteratively. */
function nestedArrays(depth: number): unknown[] {
  let array: unknown[] = [1];
  for (let level = 1; level < depth; level += 1) array = [array];
  return array;
}

/** `depth` objects, each holding the next under `key`, built iteratively. */
function nestedObjects(depth: number, key: string): Json {
  let object: Json = {};
  for (let level = 1; level < depth; level += 1) object = { [key]: object };
  return object;
}

describe('a hostile, deeply nested body', () => {
  it('of 100,000 nested groups is rejected as INVALID_QUERY without overflowing the stack', () => {
    const body = aQuery({ filter: nestedGroups(100_000) });

    const error = expectInvalidQuery(body, undefined);

    expect(error.detail).toMatch(/nested too deeply/);
  });

  it('of 100,000 nested groups in the result filter is rejected the same way', () => {
    expectInvalidQuery(aQuery({ resultFilter: nestedGroups(100_000) }), undefined);
  });

  it('of 100,000 nested arrays in a list of values is rejected', () => {
    const body = aQuery({ filter: aGroup([aConditionOf('in', { values: nestedArrays(100_000) })]) });

    expectInvalidQuery(body, undefined);
  });

  it('of 100,000 nested objects under an unknown field is rejected', () => {
    expectInvalidQuery(aQuery({ extra: nestedObjects(100_000, 'a') }), undefined);
  });

  it('that is itself 100,000 nested arrays is rejected', () => {
    expectInvalidQuery(nestedArrays(100_000), undefined);
  });

  it('that arrives as JSON text is rejected once parsed', () => {
    const depth = 50_000;
    const text = '{"kind":"group","op":"and","items":['.repeat(depth) + ']}'.repeat(depth);
    const body = aQuery({ filter: JSON.parse(text) as unknown });

    expectInvalidQuery(body, undefined);
  });

  it('is rejected quickly', () => {
    const body = aQuery({ filter: nestedGroups(100_000) });
    const started = performance.now();

    expectInvalidQuery(body, undefined);

    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('too deep for the filter bound but not for the JSON guard (15 groups) is rejected at the ninth group', () => {
    expectInvalidQuery(aQuery({ filter: nestedGroups(15) }), innermostGroupPath('filter', 9));
  });

  it('does not stop a legitimate query at the deepest allowed filter', () => {
    expect(parseQuery(aQuery({ filter: nestedGroups(8) })).filter).toEqual(nestedGroups(8));
  });
});

describe('the JSON depth bound (maxJsonDepth)', () => {
  /** 8 groups, the innermost ending in an in-list: the deepest a legal filter goes. */
  let deepest: Json = aGroup([aConditionOf('in', { values: ['EMEA'] })]);
  for (let level = 1; level < QUERY_LIMITS.maxFilterDepth; level += 1) deepest = aGroup([deepest]);

  it('leaves room for the deepest legal body: an export of a query with an 8-deep filter ending in a list', () => {
    const body = { query: aQuery({ filter: deepest }), format: 'csv' };

    expect(() => checkJsonDepth(body)).not.toThrow();
    expect(parseExportRequest(body).query.filter).toEqual(deepest);
  });

  it('lets through exactly maxJsonDepth nested arrays and refuses one more', () => {
    expect(() => checkJsonDepth(nestedArrays(QUERY_LIMITS.maxJsonDepth))).not.toThrow();

    expect(() => checkJsonDepth(nestedArrays(QUERY_LIMITS.maxJsonDepth + 1))).toThrow(
      `at most ${QUERY_LIMITS.maxJsonDepth} objects and arrays`,
    );
  });
});

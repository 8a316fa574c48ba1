import { parseQuery } from '../src';
import { aConditionOf, aGroup, aQuery, aQueryWithCondition, expectInvalidQuery } from './fixtures';

const CONDITION = 'filter.items[0]';
const COMPARISONS = ['=', '!=', '<', '>', '<=', '>='];
const TEXT_OPERATORS = ['contains', 'starts_with', 'ends_with'];
const LIST_OPERATORS = ['in', 'between'];
const NULLARY_OPERATORS = ['is_null', 'is_empty'];
const NON_TEXT_OPERATORS = [...COMPARISONS, ...LIST_OPERATORS, ...NULLARY_OPERATORS];

/** A well-formed operand for each operator. */
function operandsFor(operator: string): Record<string, unknown> {
  if (LIST_OPERATORS.includes(operator)) return { values: ['a', 'b'] };
  if (NULLARY_OPERATORS.includes(operator)) return {};
  return { value: 'a' };
}

function firstCondition(body: unknown): unknown {
  return parseQuery(body).filter?.items[0];
}

describe('comparison operators take one value', () => {
  it.each(COMPARISONS)('%s accepts a string, a number and a boolean value', (operator) => {
    for (const value of ['EMEA', 0, -1.5, true, false, '']) {
      const condition = aConditionOf(operator, { value });

      expect(firstCondition(aQueryWithCondition(condition))).toEqual(condition);
    }
  });

  it.each(COMPARISONS)('%s rejects a missing value at its value', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator)), `${CONDITION}.value`);
  });

  it.each(COMPARISONS)('%s rejects values in place of value', (operator) => {
    expectInvalidQuery(
      aQueryWithCondition(aConditionOf(operator, { value: 'a', values: ['a'] })),
      `${CONDITION}.values`,
    );
  });

  it.each([null, ['a'], { a: 1 }])('rejects the value %p, which is not a scalar', (value) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf('=', { value })), `${CONDITION}.value`);
  });

  it('rejects a string value over 4,000 characters', () => {
    const at = (length: number): unknown =>
      aQueryWithCondition(aConditionOf('=', { value: 'x'.repeat(length) }));

    expect(() => parseQuery(at(4_000))).not.toThrow();
    expectInvalidQuery(at(4_001), `${CONDITION}.value`);
  });
});

describe('contains, starts_with and ends_with take one string value', () => {
  it.each(TEXT_OPERATORS)('%s accepts a string, with or without caseSensitive', (operator) => {
    for (const operands of [
      { value: 'Sal' },
      { value: 'Sal', caseSensitive: false },
      { value: '%_', caseSensitive: true },
    ]) {
      const condition = aConditionOf(operator, operands);

      expect(firstCondition(aQueryWithCondition(condition))).toEqual(condition);
    }
  });

  it.each(TEXT_OPERATORS)('%s rejects a value that is not a string', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator, { value: 5 })), `${CONDITION}.value`);
  });

  it.each(TEXT_OPERATORS)('%s rejects a missing value', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator)), `${CONDITION}.value`);
  });

  it.each(TEXT_OPERATORS)('%s rejects a caseSensitive that is not a boolean', (operator) => {
    const condition = aConditionOf(operator, { value: 'Sal', caseSensitive: 'no' });

    expectInvalidQuery(aQueryWithCondition(condition), `${CONDITION}.caseSensitive`);
  });
});

describe('caseSensitive belongs to the contains family only', () => {
  it.each(NON_TEXT_OPERATORS)('%s rejects caseSensitive as an unknown field', (operator) => {
    const condition = aConditionOf(operator, { ...operandsFor(operator), caseSensitive: false });

    const error = expectInvalidQuery(aQueryWithCondition(condition), `${CONDITION}.caseSensitive`);

    expect(error.detail).toContain('caseSensitive');
  });
});

describe('in and between take a list of values', () => {
  it.each(LIST_OPERATORS)('%s accepts strings, numbers and booleans', (operator) => {
    const condition = aConditionOf(operator, { values: [operator === 'in' ? true : 1, 'b'] });

    expect(firstCondition(aQueryWithCondition(condition))).toEqual(condition);
  });

  it.each(LIST_OPERATORS)('%s rejects a single value in place of values', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator, { value: 'a' })), `${CONDITION}.values`);
  });

  it.each(LIST_OPERATORS)('%s rejects value alongside values', (operator) => {
    const condition = aConditionOf(operator, { values: ['a', 'b'], value: 'a' });

    expectInvalidQuery(aQueryWithCondition(condition), `${CONDITION}.value`);
  });

  it.each(LIST_OPERATORS)('%s rejects values that is not an array', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator, { values: 'a,b' })), `${CONDITION}.values`);
  });

  it.each([null, ['x'], { a: 1 }])('in rejects the item %p, which is not a scalar, at its index', (item) => {
    const condition = aConditionOf('in', { values: ['a', item] });

    expectInvalidQuery(aQueryWithCondition(condition), `${CONDITION}.values[1]`);
  });
});

describe('is_null and is_empty take no operand', () => {
  it.each(NULLARY_OPERATORS)('%s accepts no operand', (operator) => {
    const condition = aConditionOf(operator, { not: true });

    expect(firstCondition(aQueryWithCondition(condition))).toEqual(condition);
  });

  it.each(NULLARY_OPERATORS)('%s rejects a value', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator, { value: '' })), `${CONDITION}.value`);
  });

  it.each(NULLARY_OPERATORS)('%s rejects values', (operator) => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf(operator, { values: [''] })), `${CONDITION}.values`);
  });
});

describe('operators and the shape of conditions and groups', () => {
  it.each(['like', 'LIKE', 'IN', '==', '<>', 'not_in', '', 5])(
    'rejects the operator %p at its operator',
    (operator) => {
      expectInvalidQuery(
        aQueryWithCondition(aConditionOf(operator as string, { value: 'a' })),
        `${CONDITION}.operator`,
      );
    },
  );

  it('rejects a condition without a column', () => {
    expectInvalidQuery(
      aQueryWithCondition({ kind: 'condition', operator: '=', value: 1 }),
      `${CONDITION}.column`,
    );
  });

  it('rejects a not that is not a boolean, on a condition and on a group', () => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf('is_null', { not: 'yes' })), `${CONDITION}.not`);
    expectInvalidQuery(aQuery({ filter: aGroup([], { not: 1 }) }), 'filter.not');
  });

  it('rejects an unknown kind of node', () => {
    expectInvalidQuery(aQuery({ filter: aGroup([{ kind: 'expression', sql: '1=1' }]) }), `${CONDITION}.kind`);
  });

  it.each(['xor', 'AND', '', null])('rejects the group op %p', (op) => {
    expectInvalidQuery(aQuery({ filter: aGroup([], { op }) }), 'filter.op');
  });

  it('rejects a filter that is a bare condition rather than a group', () => {
    expectInvalidQuery(aQuery({ filter: aConditionOf('is_null') }), 'filter.kind');
  });

  it('rejects a group without items', () => {
    expectInvalidQuery(aQuery({ filter: { kind: 'group', op: 'and' } }), 'filter.items');
  });
});

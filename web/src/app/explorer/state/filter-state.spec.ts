import {
  addNode,
  describeNode,
  emptyGroup,
  moveNode,
  newCondition,
  operatorsFor,
  pruneFilter,
  removeNode,
  toFilter,
  updateCondition,
  updateGroup,
  type ConditionState,
  type FilterColumn,
  type GroupState,
} from './filter-state';
import { joinList, splitList, splitRange } from './filter-values';

const COLUMNS: FilterColumn[] = [
  { ref: 'sales.region', label: 'Region', type: 'string' },
  { ref: 'sales.amount', label: 'Amount', type: 'number' },
  { ref: 'sales.quantity', label: 'Quantity', type: 'integer' },
  { ref: 'sales.order_date', label: 'Order Date', type: 'date' },
  { ref: 'sales.is_return', label: 'Return', type: 'boolean' },
];

function cond(patch: Partial<ConditionState>): ConditionState {
  return { ...newCondition(), ...patch };
}

function only(condition: ConditionState) {
  const result = toFilter({ ...emptyGroup(), items: [condition] }, COLUMNS, 'filter');
  return { item: result.filter?.items[0], issues: result.issues.map((i) => [i.path, i.message]) };
}

describe('conditions to the query model', () => {
  it('types values by the column: numbers, whole numbers, booleans, dates', () => {
    expect(only(cond({ column: 'sales.amount', operator: '>=', text: ' 10.5 ' })).item).toEqual({
      kind: 'condition',
      column: 'sales.amount',
      operator: '>=',
      value: 10.5,
    });
    expect(
      only(cond({ column: 'sales.quantity', operator: '=', text: '9007199254740993' })).item,
    ).toMatchObject({
      value: '9007199254740993',
    });
    expect(only(cond({ column: 'sales.is_return', operator: '=', text: 'false' })).item).toMatchObject({
      value: false,
    });
    expect(only(cond({ column: 'sales.order_date', operator: '<', text: '2026-02-30' })).issues).toEqual([
      ['filter.items[0].value', '"2026-02-30" is not a date (YYYY-MM-DD)'],
    ]);
  });

  it('reads `in` from a comma-separated list, quotes keeping commas', () => {
    expect(
      only(cond({ column: 'sales.region', operator: 'in', text: 'EMEA, "A, B",APAC,' })).item,
    ).toMatchObject({
      values: ['EMEA', 'A, B', 'APAC'],
    });
    expect(only(cond({ column: 'sales.quantity', operator: 'in', text: '1, x' })).issues).toEqual([
      ['filter.items[0].values[1]', '"x" is not a whole number'],
    ]);
  });

  it('reads `between` from two inputs, or from "a to b" / "a, b" typed in the first', () => {
    const between = (text: string, high = '') =>
      only(cond({ column: 'sales.amount', operator: 'between', text, high })).item;
    expect(between('100', '500')).toMatchObject({ values: [100, 500] });
    expect(between('100 to 500')).toMatchObject({ values: [100, 500] });
    expect(between('100, 500')).toMatchObject({ values: [100, 500] });
    expect(only(cond({ column: 'sales.amount', operator: 'between', text: '100' })).issues).toEqual([
      ['filter.items[0].values[1]', 'To: Enter a value'],
    ]);
  });

  it('sends no value for is null / is empty, and flags only when they change the meaning', () => {
    expect(
      only(cond({ column: 'sales.region', operator: 'is_empty', text: 'ignored', not: true })).item,
    ).toEqual({
      kind: 'condition',
      column: 'sales.region',
      operator: 'is_empty',
      not: true,
    });
    expect(
      only(cond({ column: 'sales.region', operator: 'contains', text: 'a', caseSensitive: false })).item,
    ).toEqual({
      kind: 'condition',
      column: 'sales.region',
      operator: 'contains',
      value: 'a',
      caseSensitive: false,
    });
  });

  it('reports a missing column, an operator the type does not offer, and empty nested groups', () => {
    const root: GroupState = {
      ...emptyGroup(),
      items: [cond({}), cond({ column: 'sales.is_return', operator: '<', text: 'true' }), emptyGroup('or')],
    };
    expect(toFilter(root, COLUMNS, 'resultFilter').issues.map((i) => [i.path, i.message])).toEqual([
      ['resultFilter.items[0].column', 'Choose a column'],
      ['resultFilter.items[1].operator', '"less than" does not apply to boolean columns'],
      ['resultFilter.items[2]', 'Add a condition to this group or remove it'],
    ]);
  });

  it('sends no filter for an empty root', () => {
    expect(toFilter(emptyGroup(), COLUMNS, 'filter')).toEqual({ filter: undefined, issues: [] });
  });
});

describe('tree edits', () => {
  const a = cond({ column: 'sales.region', operator: 'in', text: 'EMEA' });
  const b = cond({ column: 'sales.amount', operator: '>', text: '1' });
  const inner: GroupState = { ...emptyGroup('or'), items: [b] };
  const root: GroupState = { ...emptyGroup(), items: [a, inner] };

  it('add, remove, move and regroup without touching the previous tree', () => {
    const snapshot = structuredClone(root);
    const added = addNode(root, inner.id, cond({}));
    expect(added.items[1]?.kind === 'group' && added.items[1].items.length).toBe(2);
    expect(removeNode(root, b.id).items[1]).toMatchObject({ items: [] });
    expect(moveNode(root, inner.id, -1).items.map((i) => i.id)).toEqual([inner.id, a.id]);
    expect(moveNode(root, a.id, -1).items.map((i) => i.id)).toEqual([a.id, inner.id]);
    expect(updateGroup(root, inner.id, { not: true, op: 'and' }).items[1]).toMatchObject({
      not: true,
      op: 'and',
    });
    expect(root).toEqual(snapshot);
  });

  it('a new column keeps the operator only when its type offers it', () => {
    const toNumber = updateCondition(root, a.id, { column: 'sales.amount' }, COLUMNS);
    expect(toNumber.items[0]).toMatchObject({ operator: 'in', column: 'sales.amount' });
    const contains = updateCondition(root, a.id, { operator: 'contains' }, COLUMNS);
    expect(updateCondition(contains, a.id, { column: 'sales.amount' }, COLUMNS).items[0]).toMatchObject({
      operator: '=',
    });
  });

  it('a masked column offers only "is null", a hashed one only comparisons with its hash', () => {
    const columns: FilterColumn[] = [
      ...COLUMNS,
      { ref: 'people.email', label: 'Email', type: 'string', masking: 'masked' },
      { ref: 'people.name', label: 'Name', type: 'string', masking: 'hashed' },
    ];
    expect(operatorsFor('string', 'masked')).toEqual(['is_null']);
    expect(operatorsFor('string', 'hashed')).toEqual(['=', '!=', 'in', 'is_null']);
    const masked = updateCondition(root, a.id, { column: 'people.email' }, columns);
    expect(masked.items[0]).toMatchObject({ operator: 'is_null' });
    expect(newCondition(columns[6] ?? null).operator).toBe('=');
    const refused = toFilter(
      { ...root, items: [cond({ column: 'people.email', operator: 'contains', text: '@' })] },
      columns,
      'filter',
    );
    expect(refused.issues.map((issue) => issue.message)).toEqual([
      '"contains" does not apply to string columns',
    ]);
  });

  it('pruning drops conditions on removed columns and the groups they leave empty', () => {
    const pruned = pruneFilter(root, (ref) => ref !== 'sales.amount');
    expect(pruned.items.map((i) => i.id)).toEqual([a.id]);
  });

  it('describes nodes for the chips', () => {
    const label = (ref: string) => COLUMNS.find((c) => c.ref === ref)?.label ?? ref;
    expect(describeNode(a, label)).toBe('Region is one of EMEA');
    expect(describeNode({ ...inner, not: true, items: [b, a] }, label)).toBe(
      'NOT (Amount greater than 1 OR Region is one of EMEA)',
    );
  });
});

describe('lists and ranges', () => {
  it('split and join lists so any text survives', () => {
    const values = ['a', ' padded ', 'x, y', 'say "hi"', ''];
    expect(splitList(joinList(values))).toEqual(values);
  });

  it('split ranges typed in one box', () => {
    expect(splitRange('2026-01-01 to 2026-02-01')).toEqual(['2026-01-01', '2026-02-01']);
    expect(splitRange('1,2')).toEqual(['1', '2']);
    expect(splitRange('1')).toBeNull();
  });
});

import { IDENTIFIER_PATTERN, queryJsonSchema } from '../src';

type Schema = Record<string, unknown>;

function asSchema(value: unknown): Schema {
  expect(value).toEqual(expect.any(Object));
  return value as Schema;
}

function propertyOf(schema: Schema, name: string): Schema {
  return asSchema(asSchema(schema.properties)[name]);
}

/** Follows a local `$ref` (`#/$defs/name`) of the root schema; other schemas are returned as they are. */
function deref(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  expect(ref).toMatch(/^#\/\$defs\/[^/]+$/);
  return asSchema(asSchema(root.$defs)[ref.slice('#/$defs/'.length)]);
}

/** Every `$ref` anywhere inside `value`. */
function refsIn(value: unknown): string[] {
  const refs: string[] = [];
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    for (const [key, child] of Object.entries(next)) {
      if (key === '$ref' && typeof child === 'string') refs.push(child);
      else pending.push(child);
    }
  }
  return refs;
}

describe('queryJsonSchema', () => {
  it('is a draft 2020-12 schema with its own id and title', () => {
    const schema = queryJsonSchema();

    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://aurora.local/schemas/query.v1.json');
    expect(schema.title).toEqual(expect.any(String));
  });

  it('describes an object that requires dataset and allows no other fields', () => {
    const schema = queryJsonSchema();

    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['dataset']);
    expect(schema.additionalProperties).toBe(false);
    expect(propertyOf(schema, 'dataset')).toMatchObject({
      type: 'string',
      pattern: IDENTIFIER_PATTERN.source,
    });
  });

  it('has every top-level field of the query', () => {
    const properties = Object.keys(asSchema(queryJsonSchema().properties));

    expect(properties.sort()).toEqual(
      [
        'aggregate',
        'columns',
        'compare',
        'computed',
        'dataset',
        'filter',
        'joins',
        'limit',
        'page',
        'resultFilter',
        'sort',
        'vintages',
      ].sort(),
    );
  });

  it('refers filter and resultFilter to one filter-group definition', () => {
    const schema = queryJsonSchema();

    const filter = deref(schema, propertyOf(schema, 'filter'));
    const resultFilter = deref(schema, propertyOf(schema, 'resultFilter'));

    expect(propertyOf(schema, 'filter').$ref).toEqual(expect.any(String));
    expect(resultFilter).toBe(filter);
    expect(propertyOf(filter, 'kind')).toMatchObject({ const: 'group' });
  });

  it('makes the filter group recursive: its items refer back to the group', () => {
    const schema = queryJsonSchema();
    const groupRef = propertyOf(schema, 'filter').$ref;

    const items = propertyOf(deref(schema, propertyOf(schema, 'filter')), 'items');

    expect(refsIn(items)).toContain(groupRef);
  });

  it('carries the bounds a client can check up front', () => {
    const schema = queryJsonSchema();

    expect(propertyOf(schema, 'columns')).toMatchObject({ minItems: 1, maxItems: 200 });
    expect(propertyOf(schema, 'joins')).toMatchObject({ maxItems: 8 });
    expect(propertyOf(propertyOf(schema, 'page'), 'size')).toMatchObject({
      minimum: 1,
      maximum: 500,
      default: 50,
    });
  });

  it('is plain JSON that survives serialisation', () => {
    const schema = queryJsonSchema();

    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

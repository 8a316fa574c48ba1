import { AuroraError, httpStatusOf } from '@aurora/errors';
import { IDENTIFIER_PATTERN, parseQuery } from '@aurora/query-model';
import { corpusStrings, expressionCorpus } from '@aurora/testing';
import { DuckDbAdapter } from '@aurora/warehouse';
import { catalogOf, compileQuery } from '../src';

const STRINGS = corpusStrings();
const options = { dialect: 'duckdb' as const, maxRowLimit: 100_000 };
const catalog = catalogOf([
  {
    id: 'naughty',
    label: 'Naughty strings',
    table: { name: 'naughty' },
    rowEstimate: STRINGS.length,
    uniqueKey: ['id'],
    partition: null,
    columns: [
      { name: 'id', label: 'Id', type: 'integer', nullable: false },
      { name: 's', label: 'Text', type: 'string', nullable: true },
    ],
  },
]);

let db: DuckDbAdapter;

beforeAll(async () => {
  db = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    defaultTimeoutMs: 10_000,
  });
  await db.execute('CREATE TABLE canary (secret INTEGER)');
  await db.execute('INSERT INTO canary VALUES (42)');
  await db.execute('CREATE TABLE naughty (id INTEGER, s VARCHAR)');
  // Every corpus string is also a row, so a filter for it has something to find.
  for (let i = 0; i < STRINGS.length; i += 200) {
    const chunk = STRINGS.slice(i, i + 200);
    const tuples = chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(', ');
    await db.execute(
      `INSERT INTO naughty VALUES ${tuples}`,
      chunk.flatMap((s, j) => [i + j, s]),
    );
  }
});

afterAll(async () => {
  // Nothing any payload did may have changed the database.
  expect((await db.query({ sql: 'SELECT secret FROM canary', params: [] })).rows).toEqual([[42]]);
  const tables = await db.query({ sql: 'SELECT table_name FROM duckdb_tables() ORDER BY 1', params: [] });
  expect(tables.rows).toEqual([['canary'], ['naughty']]);
  expect((await db.query({ sql: 'SELECT count(*) FROM naughty', params: [] })).rows).toEqual([
    [STRINGS.length],
  ]);
  await db.close();
});

async function idsMatching(operator: string, value: string): Promise<number[]> {
  const query = parseQuery({
    dataset: 'naughty',
    columns: ['id'],
    filter: { kind: 'group', op: 'and', items: [{ kind: 'condition', column: 's', operator, value }] },
  });
  const result = await db.query(compileQuery(query, catalog, options));
  return result.rows.map(([id]) => Number(id)).sort((a, b) => a - b);
}

const idsWhere = (test: (s: string) => boolean): number[] =>
  STRINGS.flatMap((s, id) => (test(s) ? [id] : []));

function expectClientError(build: () => unknown): void {
  let thrown: unknown;
  try {
    build();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuroraError);
  expect(httpStatusOf((thrown as AuroraError).code)).toBeGreaterThanOrEqual(400);
  expect(httpStatusOf((thrown as AuroraError).code)).toBeLessThan(500);
}

describe(`the ${STRINGS.length} corpus strings as filter values`, () => {
  it('match exactly the rows equal to them', async () => {
    for (const [id, value] of STRINGS.entries()) {
      expect({ value, ids: await idsMatching('=', value) }).toEqual({ value, ids: [id] });
    }
  });

  it('match exactly the rows containing them, wildcards taken literally', async () => {
    for (const value of STRINGS) {
      expect({ value, ids: await idsMatching('contains', value) }).toEqual({
        value,
        ids: idsWhere((s) => s.includes(value)),
      });
    }
  });

  it('match exactly the rows starting with them', async () => {
    for (const value of STRINGS) {
      expect({ value, ids: await idsMatching('starts_with', value) }).toEqual({
        value,
        ids: idsWhere((s) => s.startsWith(value)),
      });
    }
  });

  it('are refused as an integer value unless they are one', () => {
    for (const value of STRINGS.filter((s) => !/^-?\d{1,18}$/.test(s))) {
      const body = {
        dataset: 'naughty',
        columns: ['id'],
        filter: {
          kind: 'group',
          op: 'and',
          items: [{ kind: 'condition', column: 'id', operator: '=', value }],
        },
      };
      expectClientError(() => compileQuery(parseQuery(body), catalog, options));
    }
  });
});

describe('the corpus strings as names', () => {
  const compile = (body: unknown) => compileQuery(parseQuery(body), catalog, options);

  it('are rejected as a dataset', () => {
    for (const name of STRINGS) expectClientError(() => compile({ dataset: name, columns: ['id'] }));
  });

  it('are rejected as a column, a join, a group-by or a sort reference', () => {
    for (const name of STRINGS) {
      expectClientError(() => compile({ dataset: 'naughty', columns: [name] }));
      expectClientError(() =>
        compile({ dataset: 'naughty', columns: ['id'], sort: [{ column: name, dir: 'asc' }] }),
      );
      expectClientError(() => compile({ dataset: 'naughty', aggregate: { groupBy: [name], measures: [] } }));
      expectClientError(() =>
        compile({
          dataset: 'naughty',
          joins: [{ dataset: name, type: 'inner', on: [{ left: 'naughty.id', right: `${name}.id` }] }],
          columns: ['naughty.id'],
        }),
      );
    }
  });

  it('are rejected as a measure alias, unless they are a plain identifier, which is then quoted safely', async () => {
    for (const name of STRINGS) {
      const body = {
        dataset: 'naughty',
        aggregate: { groupBy: [], measures: [{ fn: 'count', column: null, as: name }] },
      };
      if (!IDENTIFIER_PATTERN.test(name)) {
        expectClientError(() => compile(body));
        continue;
      }
      const result = await db.query(compile(body));
      expect(result.columns).toEqual([name]);
      expect(result.rows).toEqual([[STRINGS.length]]);
    }
  });
});

describe('calculated columns against hostile input', () => {
  const compute = (expr: string) =>
    compileQuery(
      parseQuery({ dataset: 'naughty', computed: [{ as: 'calc', expr }], columns: ['id', 'calc'] }),
      catalog,
      options,
    );

  it(`refuses every one of the ${expressionCorpus().length} hostile expressions with a 4xx`, () => {
    for (const expr of expressionCorpus()) expectClientError(() => compute(expr));
  });

  it('answers every corpus string as an expression with a result or a 4xx, never SQL of its own', async () => {
    for (const expr of STRINGS) {
      let compiled;
      try {
        compiled = compute(expr);
      } catch (error) {
        expectClientError(() => {
          throw error;
        });
        continue;
      }
      // What does compile ("1", "-1", "1/0", "true") is literals, each a parameter: no quote, comment or
      // statement separator of the body reaches the SQL text.
      expect(compiled.sql).not.toMatch(/[';]|--|\/\*/);
      await db.query(compiled);
    }
  });

  it('gives NULL for a result out of range instead of failing (a failure could come from a row a policy removes)', async () => {
    for (const expr of [
      '9223372036854775807 + id + 1',
      '-(-9223372036854775807 - 1 - id)',
      'abs(-9223372036854775807 - 1 - id)',
      "date_add('year', 9223372036854775807, DATE '2026-01-01')",
      "date_add('day', 2000000000 * (id + 1), DATE '2026-01-01')",
    ]) {
      const result = await db.query(compute(expr));
      expect({ expr, values: [...new Set(result.rows.map(([, calc]) => calc))] }).toEqual({
        expr,
        values: [null],
      });
    }
  });

  it('returns every corpus string written as a text literal exactly, on every row', async () => {
    for (const value of STRINGS) {
      const literal = `'${value.replaceAll("'", "''")}'`;
      if (value.includes('\n') || literal.length > 2_000) {
        expectClientError(() => compute(literal));
        continue;
      }
      const result = await db.query(compute(`${literal} = s`));
      const matching = result.rows.filter(([, equal]) => equal === true).map(([id]) => Number(id));
      expect({ value, matching }).toEqual({ value, matching: idsWhere((s) => s === value) });
    }
  });
});

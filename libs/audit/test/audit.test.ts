import {
  auditEvent,
  auditSubject,
  canonicalJson,
  chainHash,
  failureOutcome,
  filterFingerprint,
  GENESIS_HASH,
  summarizeQuery,
  type AuditRecord,
} from '../src';

const filter = (value: unknown) => ({
  kind: 'group',
  op: 'and',
  items: [{ kind: 'condition', column: 'global_sales.region', operator: '=', value }],
});

describe('canonical JSON', () => {
  it('is the same text whatever the order of the keys, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });

  it('drops undefined members as JSON does, and keeps arrays in order', () => {
    expect(canonicalJson({ a: undefined, b: [2, 1] })).toBe('{"b":[2,1]}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });
});

describe('the filter fingerprint', () => {
  it('is stable for the same filter and values, and changes with a value', () => {
    const one = filterFingerprint({ dataset: 'a', filter: filter('EMEA') });
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(filterFingerprint({ filter: JSON.parse(JSON.stringify(filter('EMEA'))) as unknown })).toBe(one);
    expect(filterFingerprint({ filter: filter('APAC') })).not.toBe(one);
    expect(filterFingerprint({ filter: filter(1) })).not.toBe(filterFingerprint({ filter: filter('1') }));
  });

  it('is null without any filter or vintage', () => {
    expect(filterFingerprint({ dataset: 'a', columns: ['a.b'] })).toBeNull();
  });
});

describe('a query summary', () => {
  it('names the datasets and every column the query reads', () => {
    expect(
      summarizeQuery({
        dataset: 'global_sales',
        joins: [{ dataset: 'products', type: 'left', on: [] }],
        columns: ['global_sales.amount'],
        aggregate: {
          groupBy: ['products.name'],
          measures: [{ fn: 'sum', column: 'global_sales.qty', as: 'q' }],
        },
        filter: { kind: 'group', op: 'or', items: [filter('x')] },
      }),
    ).toMatchObject({
      datasets: ['global_sales', 'products'],
      columns: ['global_sales.amount', 'products.name', 'global_sales.qty', 'global_sales.region'],
    });
  });

  it('names the columns a calculated column reads, and fingerprints its expression with the filters', () => {
    const query = {
      dataset: 'employee_roster',
      computed: [
        { as: 'pay', expr: "CASE WHEN salary > 1e2 AND NOT employee_roster.bonus THEN upper('x y') END" },
      ],
      columns: ['pay'],
    };
    expect(summarizeQuery(query).columns).toEqual(['pay', 'salary', 'employee_roster.bonus']);
    const other = { ...query, computed: [{ as: 'pay', expr: 'salary > 200' }] };
    expect(filterFingerprint(query)).toMatch(/^[0-9a-f]{64}$/);
    expect(filterFingerprint(other)).not.toBe(filterFingerprint(query));
  });

  it('never throws on what is not a query', () => {
    for (const input of [null, 'x', 42, [], { dataset: 7, joins: 'no', filter: { items: 'no' } }]) {
      const { datasets, columns } = summarizeQuery(input);
      expect({ datasets, columns }).toEqual({ datasets: [], columns: [] });
    }
  });
});

describe('the hash chain', () => {
  it('seals the previous hash and the content together', () => {
    const first = chainHash(GENESIS_HASH, '{"a":1}');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, '{"a":2}')).not.toBe(first);
    expect(chainHash(first, '{"a":1}')).not.toBe(first);
  });
});

describe('the CloudEvent', () => {
  const record = { id: 'e1', time: '2026-12-07T00:00:00.000Z', action: 'query.preview' } as AuditRecord;

  it('is a CloudEvent 1.0 of the record, about its subject or its client address', () => {
    const withUser = { ...record, actor: { sub: 'alice', name: 'Alice', groups: [] }, clientAddress: '::1' };
    expect(auditEvent(withUser, '/services/gateway')).toMatchObject({
      specversion: '1.0',
      type: 'io.aurora.audit.query.preview',
      id: 'e1',
      subject: 'alice',
      data: withUser,
    });
    const anonymous = { ...withUser, actor: { sub: null, name: null, groups: [] } };
    expect(auditEvent(anonymous, '/g').subject).toBe('ip:::1');
    expect(auditSubject('report.share')).toBe('aurora.events.audit.report.share');
  });

  it('calls 401, 403 and 429 refusals and anything else an error', () => {
    expect([401, 403, 429, 400, 500, 503].map(failureOutcome)).toEqual([
      'refused',
      'refused',
      'refused',
      'error',
      'error',
      'error',
    ]);
  });
});

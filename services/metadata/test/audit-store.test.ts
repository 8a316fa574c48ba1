import type { AuditRecord } from '@aurora/audit';
import { startPostgres, type RunningPostgres } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuditStore } from '../src/audit/audit.store';
import { verifyChain } from '../src/audit/verify-chain';
import { AppDatabase } from '../src/reports/app-database';

/** The audit index on a real PostgreSQL: two replicas extending one chain at once, redeliveries, paging. */

let postgres: RunningPostgres;
const replicas: AppDatabase[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  for (let i = 0; i < 2; i += 1) replicas.push(new AppDatabase({ url: postgres.databaseUrl, poolMax: 4 }));
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await postgres.remove();
});

function record(sub: string, dataset: string): AuditRecord {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    action: 'query.count',
    actor: { sub, name: sub, groups: ['analysts'] },
    clientAddress: '127.0.0.1',
    route: 'POST /api/v1/query/count',
    target: null,
    datasets: [dataset],
    columns: [],
    filterFingerprint: null,
    query: null,
    rows: 1,
    bytes: 10,
    durationMs: 1,
    outcome: 'ok',
    status: 200,
    errorCode: null,
    requestId: null,
    traceId: null,
    detail: null,
  };
}

it('two replicas appending at once extend one chain, without a fork or a gap', async () => {
  const stores = replicas.map((replica) => new AuditStore(replica));
  const records = Array.from({ length: 120 }, (_, i) => record(i % 2 ? 'alice' : 'bob', 'global_sales'));
  const outcomes = await Promise.all(records.map((r, i) => (stores[i % 2] as AuditStore).append(r)));
  expect(outcomes.every((o) => o === 'stored')).toBe(true);

  const client = new Client({ connectionString: postgres.databaseUrl });
  await client.connect();
  try {
    expect(await verifyChain(client)).toEqual({ rows: 120 });
  } finally {
    await client.end();
  }
});

it('keeps a redelivered record once, whichever replica sees it again', async () => {
  const [one, two] = replicas.map((replica) => new AuditStore(replica)) as [AuditStore, AuditStore];
  const again = record('carol', 'products');
  expect(await one.append(again)).toBe('stored');
  expect(await Promise.all([one.append(again), two.append(again)])).toEqual(['duplicate', 'duplicate']);
  const page = await one.list({
    user: 'carol',
    dataset: 'products',
    action: '',
    outcome: '',
    from: undefined,
    to: undefined,
    cursor: '',
    limit: 10,
  });
  expect(page.entries).toHaveLength(1);
});

it('pages newest first with a cursor, and filters by user and dataset', async () => {
  const store = new AuditStore(replicas[0] as AppDatabase);
  const filter = {
    user: 'alice',
    dataset: 'global_sales',
    action: '',
    outcome: '',
    from: undefined,
    to: undefined,
  };
  const first = await store.list({ ...filter, cursor: '', limit: 50 });
  const second = await store.list({ ...filter, cursor: first.nextCursor, limit: 50 });
  const seqs = [...first.entries, ...second.entries].map((e) => e.seq);
  expect(seqs).toHaveLength(60);
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  expect(second.nextCursor).toBe('');
  for (const entry of first.entries)
    expect(JSON.parse(entry.recordJson)).toMatchObject({ actor: { sub: 'alice' } });
});

// 10,000 saved reports of 200 owners, written straight into the metadata service's tables (its migrations.ts),
// with versions, shares and a directory of people, so that each dev user sees ~50 reports of their own and ~50
// shared with them.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export const DEV_USERS = ['alice', 'bob', 'carol'] as const;
export type DevUser = (typeof DEV_USERS)[number];

/** As the dev IdP names them (tools/dev-idp/src/principals.ts). */
export const PRINCIPALS: Record<DevUser, { sub: string; name: string; groups: string[] }> = {
  alice: { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] },
  bob: { sub: 'bob', name: 'Bob HR', groups: ['hr'] },
  carol: { sub: 'carol', name: 'Carol Admin', groups: ['admins'] },
};

/** Groups none of the dev users is in, for the shares that are not theirs. */
const OTHER_GROUPS = ['finance', 'sales-emea', 'controlling'];
/** Per dev user: shares to them by name, and to their group. */
const SHARED_BY_NAME = 20;
const SHARED_BY_GROUP = 30;

export interface Seeded {
  readonly reports: number;
  readonly versions: number;
  readonly shares: number;
  /** Per dev user, the reports they may open (their own and those shared with them, none in the trash). */
  readonly visible: Record<DevUser, string[]>;
}

/** A small deterministic generator (mulberry32), so every run seeds the same shape. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The saved query, as the reports tests save them: the sales or the roster, grouped and counted. */
export function content(dataset: string, n: number) {
  const sales = dataset === 'global_sales';
  const by = sales ? ['global_sales.region', 'global_sales.channel'] : ['employee_roster.department'];
  return {
    name: `${sales ? 'Sales by channel' : 'Headcount by department'} #${n}`,
    description: 'Month-end view',
    folder: ['Monthly', 'Weekly', 'Ad hoc'][n % 3] ?? '',
    dataset,
    query: {
      dataset,
      aggregate: { groupBy: by, measures: [{ fn: 'count', column: null, as: 'rows' }] },
      sort: [{ column: by[0], dir: 'asc' }],
    },
    vintages: sales ? { global_sales: { policy: 'latest', loadType: 'MONTHLY' } } : {},
    layout: { columns: [{ name: 'rows', width: 140 }], hidden: [], sort: [{ column: 'rows', dir: 'desc' }] },
  };
}

/** Replaces every report with `count` of `owners` owners (alice, bob and carol among them). */
export async function seedReports(pool: Pool, count: number, owners: number): Promise<Seeded> {
  const next = random(14);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const people = Array.from({ length: owners }, (_, i) =>
    i < DEV_USERS.length
      ? PRINCIPALS[DEV_USERS[i] as DevUser]
      : { sub: `user${i}`, name: `User ${i}`, groups: [i % 5 === 1 ? 'hr' : 'analysts'] },
  );
  const now = Date.now();
  const reports = Array.from({ length: count }, (_, n) => {
    const owner = people[n % owners] ?? PRINCIPALS.alice;
    const dataset = owner.groups.includes('hr') ? 'employee_roster' : 'global_sales';
    const updated = new Date(now - n * 60_000);
    const { query, vintages, layout, ...text } = content(dataset, n);
    return {
      id: randomUUID(),
      owner_sub: owner.sub,
      owner_name: owner.name,
      ...text,
      query,
      vintages,
      layout,
      version: 1 + (n % 3),
      created_at: new Date(updated.getTime() - 30 * 86_400_000),
      updated_at: updated,
      // One of each owner's reports is in the trash.
      deleted_at: Math.floor(n / owners) === Math.floor(count / owners) - 1 ? updated : null,
    };
  });
  const live = reports.filter((r) => r.deleted_at === null);
  const others = live.filter((r) => !(DEV_USERS as readonly string[]).includes(r.owner_sub));
  const shares: { report_id: string; kind: 'user' | 'group'; grantee: string; role: 'view' | 'edit' }[] = [];
  // Three in ten reports are shared with a few people or a group the dev users are not in.
  for (const report of others.filter(() => next() < 0.3)) {
    const grantees = new Map<string, 'user' | 'group'>();
    for (let k = 1 + Math.floor(next() * 3); k > 0; k--) {
      if (next() < 0.7) grantees.set(`user${DEV_USERS.length + Math.floor(next() * (owners - 3))}`, 'user');
      else grantees.set(pick(OTHER_GROUPS), 'group');
    }
    for (const [grantee, kind] of grantees)
      shares.push({ report_id: report.id, kind, grantee, role: pick(['view', 'edit'] as const) });
  }
  const visible = {} as Record<DevUser, string[]>;
  for (const user of DEV_USERS) {
    const { sub, groups } = PRINCIPALS[user];
    const readable = others.filter((r) => (sub === 'bob') === (r.dataset === 'employee_roster'));
    const chosen = readable
      .map((report) => ({ report, key: next() }))
      .sort((a, b) => a.key - b.key)
      .slice(0, SHARED_BY_NAME + SHARED_BY_GROUP)
      .map(({ report }) => report);
    chosen.forEach((report, k) =>
      shares.push({
        report_id: report.id,
        kind: k < SHARED_BY_NAME ? 'user' : 'group',
        grantee: k < SHARED_BY_NAME ? sub : (groups[0] ?? ''),
        role: k % 4 === 0 ? 'edit' : 'view',
      }),
    );
    visible[user] = [...live.filter((r) => r.owner_sub === sub), ...chosen].map((r) => r.id);
  }
  const versions = reports.flatMap((r) =>
    Array.from({ length: r.version }, (_, v) => ({
      report_id: r.id,
      version: v + 1,
      name: r.name,
      description: r.description,
      folder: r.folder,
      query: r.query,
      vintages: r.vintages,
      layout: r.layout,
      author_sub: r.owner_sub,
      author_name: r.owner_name,
      created_at: new Date(r.created_at.getTime() + v * 86_400_000),
    })),
  );
  const insert = (table: string, rows: readonly object[]) =>
    pool.query(`insert into ${table} select * from jsonb_populate_recordset(null::${table}, $1::jsonb)`, [
      JSON.stringify(rows),
    ]);
  await pool.query(
    'truncate reports, report_versions, report_shares, report_favourites, report_opens, people',
  );
  await insert('reports', reports);
  await insert('report_versions', versions);
  await insert('report_shares', shares);
  await insert(
    'people',
    people.map((p) => ({ ...p, seen_at: new Date() })),
  );
  await pool.query('analyze');
  return { reports: reports.length, versions: versions.length, shares: shares.length, visible };
}

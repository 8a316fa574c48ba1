// The statements services/metadata/src/reports/reports.store.ts runs for a list and for an open, as kysely
// compiles them (copied from its log), to run directly on PostgreSQL beside the HTTP stack. The store's
// once-every-10-minutes write to `people` is left out: it is as rare under load.
import type { Pool } from 'pg';

interface Asker {
  readonly sub: string;
  readonly groups: readonly string[];
}

/** roleOf() in the store, with its three parameters from $n. */
const role = (n: number): string => `case when r.owner_sub = $${n} then 'owner' else (
    select case when bool_or(s.role = 'edit') then 'edit' when count(*) > 0 then 'view' end
    from report_shares s
    where s.report_id = r.id
      and ((s.kind = 'user' and s.grantee = $${n + 1}) or (s.kind = 'group' and s.grantee = any($${n + 2}::text[])))
  ) end`;

const roleParams = (asker: Asker) => [asker.sub, asker.sub, [...asker.groups]];

/** ReportsStore.list for scope `mine` or `shared`, no search or filter, the first page of `limit`. */
export function listReports(pool: Pool, asker: Asker, scope: 'mine' | 'shared', limit: number) {
  return pool.query(
    `select "r"."id", "r"."owner_sub", "r"."owner_name", "r"."name", "r"."description", "r"."folder", "r"."dataset", "r"."version", "r"."created_at", "r"."updated_at", "r"."deleted_at", "o"."at" as "opened_at", f.user_sub is not null as "favourite", ${role(1)} as "role", r.updated_at as "sort_key" from "reports" as "r" left join "report_favourites" as "f" on "f"."report_id" = "r"."id" and "f"."user_sub" = $4 left join "report_opens" as "o" on "o"."report_id" = "r"."id" and "o"."user_sub" = $5 where ${role(6)} is not null and "r"."deleted_at" is null and "r"."owner_sub" ${scope === 'mine' ? '=' : '<>'} $9 order by r.updated_at desc, "r"."id" desc limit $10`,
    [...roleParams(asker), asker.sub, asker.sub, ...roleParams(asker), asker.sub, limit + 1],
  );
}

/** ReportsStore.get with recordOpen: the report, its shares unless the asker only views it, the open recorded. */
export async function openReport(pool: Pool, asker: Asker, id: string): Promise<void> {
  const { rows } = await pool.query<{ role: string | null }>(
    `select "r".*, ${role(1)} as "role", exists (select 1 from report_favourites f where f.report_id = r.id and f.user_sub = $4) as "favourite" from "reports" as "r" where "r"."id" = $5`,
    [...roleParams(asker), asker.sub, id],
  );
  const found = rows[0];
  if (!found?.role) throw new Error(`report ${id} is not visible to ${asker.sub}`);
  if (found.role !== 'view')
    await pool.query(
      `select "kind", "grantee", "role" from "report_shares" where "report_id" = $1 order by "kind", "grantee"`,
      [id],
    );
  const now = new Date();
  await pool.query(
    `insert into "report_opens" ("user_sub", "report_id", "at") values ($1, $2, $3) on conflict ("user_sub", "report_id") do update set "at" = $4`,
    [asker.sub, id, now, now],
  );
}

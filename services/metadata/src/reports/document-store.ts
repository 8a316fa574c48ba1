import { AuroraError, ErrorCode, QuotaExceededError, type QuotaName } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import { REPORT_LIMITS } from '@aurora/query-model';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { randomUUID } from 'node:crypto';
import { isUuid, uuidOrNone, type AppDatabase, type AppTables } from './app-database';

/**
 * The columns a kind of document fills: all share name, description and folder; a report fills dataset, query,
 * vintages and layout, a dashboard its definition. JSON parts travel as text.
 */
export interface ContentColumns {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly dataset: string;
  readonly query: string;
  readonly vintages: string;
  readonly layout: string;
  readonly definition: string;
}

/** The content columns as read back: jsonb comes back parsed; lists leave the JSON parts out (empty strings). */
export interface ContentRow {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly dataset: string;
  readonly query: unknown;
  readonly vintages: unknown;
  readonly layout: unknown;
  readonly definition: unknown;
}

/** What differs between kinds of documents kept by one DocumentStore: their content, and their words and quota. */
export interface DocumentKind<C> {
  readonly kind: 'report' | 'dashboard';
  /** In messages: "There is no such report". */
  readonly noun: string;
  readonly quota: { readonly name: QuotaName; readonly max: number; readonly plural: string };
  columns(content: C): ContentColumns;
  content(row: ContentRow): C;
}

/** A jsonb part as text, whether it came back parsed or as the empty string of a list. */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type Role = 'owner' | 'edit' | 'view';
export type Scope = 'mine' | 'shared' | 'recent' | 'favourites' | 'trash';
export const SCOPES: readonly Scope[] = ['mine', 'shared', 'recent', 'favourites', 'trash'];

export interface Share {
  readonly kind: 'user' | 'group';
  readonly grantee: string;
  readonly role: 'view' | 'edit';
}

export interface StoredDocument<C> {
  readonly id: string;
  readonly content: C;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
  readonly role: Role;
  readonly favourite: boolean;
  /** The owner and editors see the shares; viewers do not. */
  readonly shares: readonly Share[] | undefined;
  /** In the "recent" list: when the asker last opened it. */
  readonly openedAt?: Date | undefined;
}

export interface StoredVersion<C> {
  readonly version: number;
  readonly content: C;
  readonly author: { readonly sub: string; readonly name: string };
  readonly createdAt: Date;
}

export interface ListOptions {
  readonly scope: Scope;
  readonly search: string;
  readonly dataset: string;
  readonly folder: string;
  readonly cursor: string;
  readonly limit: number;
}

const TRASH_INTERVAL = sql<Date>`now() - make_interval(days => ${REPORT_LIMITS.trashDays})`;

/**
 * Saved documents (reports, dashboards) in the application database, always for one asker: what they may see is
 * decided here, in SQL, by ownership and shares (to a user or to a group the asker is in). A document they may
 * not see is NOT_FOUND, never FORBIDDEN, so its existence is not revealed. Both kinds live in one set of tables
 * (`reports` with its `kind`, and its versions, shares, favourites and openings), so versions, shares, trash,
 * listing and quotas have this one implementation.
 */
export class DocumentStore<C> {
  /** When each person was last written to `people` (at most once every 10 minutes per process). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly database: AppDatabase,
    private readonly kind: DocumentKind<C>,
  ) {}

  create(asker: Principal, content: C): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await this.remember(db, asker);
      const id = randomUUID();
      await db.transaction().execute(async (tx) => {
        // One owner's creations take turns, so the limit holds under concurrent saves.
        const { kind, quota } = this.kind;
        await sql`select pg_advisory_xact_lock(hashtext(${`${kind}s:${asker.sub}`}))`.execute(tx);
        const { count } = await tx
          .selectFrom('reports')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('owner_sub', '=', asker.sub)
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow();
        if (Number(count) >= quota.max)
          throw new QuotaExceededError(
            quota.name,
            `You already keep ${quota.max.toLocaleString('en')} ${quota.plural} (the trash included). Delete some first.`,
          );
        const now = new Date();
        await tx
          .insertInto('reports')
          .values({
            id,
            kind: this.kind.kind,
            owner_sub: asker.sub,
            owner_name: asker.name,
            ...this.kind.columns(content),
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          })
          .execute();
        await insertVersion(tx, id, 1, this.kind.columns(content), asker, now);
      });
      return this.read(db, asker, id);
    });
  }

  /** A document the asker may see (the owner also sees it in the trash). */
  get(asker: Principal, id: string, options: { recordOpen?: boolean } = {}): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await this.remember(db, asker);
      const report = await this.read(db, asker, id);
      if (options.recordOpen && report.deletedAt === null) {
        await db
          .insertInto('report_opens')
          .values({ user_sub: asker.sub, report_id: id, at: new Date() })
          .onConflict((c) => c.columns(['user_sub', 'report_id']).doUpdateSet({ at: new Date() }))
          .execute();
      }
      return report;
    });
  }

  list(
    asker: Principal,
    options: ListOptions,
  ): Promise<{ documents: StoredDocument<C>[]; nextCursor: string }> {
    return this.database.run(async (db) => {
      await this.remember(db, asker);
      if (options.scope === 'trash') await purgeTrash(db);
      const role = roleOf(asker);
      const sortKey = {
        mine: sql<Date>`r.updated_at`,
        shared: sql<Date>`r.updated_at`,
        recent: sql<Date>`o.at`,
        favourites: sql<Date>`f.at`,
        trash: sql<Date>`r.deleted_at`,
      }[options.scope];
      let query = inScope(db, asker, options.scope, this.kind).select([
        'r.id',
        'r.owner_sub',
        'r.owner_name',
        'r.name',
        'r.description',
        'r.folder',
        'r.dataset',
        'r.version',
        'r.created_at',
        'r.updated_at',
        'r.deleted_at',
        'o.at as opened_at',
        sql<boolean>`f.user_sub is not null`.as('favourite'),
        role.as('role'),
        sortKey.as('sort_key'),
      ]);
      if (options.search)
        query = query.where(
          sql<SqlBool>`position(lower(${options.search}) in lower(r.name || ' ' || r.description)) > 0`,
        );
      if (options.dataset) query = query.where('r.dataset', '=', options.dataset);
      if (options.folder) query = query.where('r.folder', '=', options.folder);
      const after = decodeCursor(options.cursor);
      if (after)
        query = query.where(sql<SqlBool>`(${sortKey}, r.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
      const rows = await query
        .orderBy(sortKey, 'desc')
        .orderBy('r.id', 'desc')
        .limit(options.limit + 1)
        .execute();
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return {
        documents: page.map((row) =>
          this.toDocument(
            { ...row, query: '', vintages: '', layout: '', definition: '' },
            row.role as Role,
            row.favourite,
            undefined,
            row.opened_at,
          ),
        ),
        nextCursor: rows.length > options.limit && last ? encodeCursor(last.sort_key, last.id) : '',
      };
    });
  }

  /** The folders of the documents in a scope, for the library to filter by (at most 500, by name). */
  folders(asker: Principal, scope: Scope): Promise<string[]> {
    return this.database.run(async (db) => {
      const rows = await inScope(db, asker, scope, this.kind)
        .select('r.folder')
        .distinct()
        .where('r.folder', '<>', '')
        .orderBy('r.folder')
        .limit(500)
        .execute();
      return rows.map((row) => row.folder);
    });
  }

  /** A new version with `content`, if the asker may edit and `expectedVersion` is still current. */
  update(asker: Principal, id: string, expectedVersion: number, content: C): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await db.transaction().execute(async (tx) => {
        const current = await lockForEdit(tx, asker, id, this.kind);
        if (expectedVersion !== current.version) throw editConflict(current.version, this.kind);
        await saveVersion(tx, id, current.version + 1, this.kind.columns(content), asker);
      });
      return this.read(db, asker, id);
    });
  }

  /** Makes an old version's content current again, as a new version (history is never rewritten). */
  restoreVersion(
    asker: Principal,
    id: string,
    version: number,
    expectedVersion: number,
  ): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await db.transaction().execute(async (tx) => {
        const current = await lockForEdit(tx, asker, id, this.kind);
        if (expectedVersion !== 0 && expectedVersion !== current.version)
          throw editConflict(current.version, this.kind);
        const old = await tx
          .selectFrom('report_versions')
          .selectAll()
          .where('report_id', '=', id)
          .where('version', '=', version)
          .executeTakeFirst();
        if (!old)
          throw new AuroraError(ErrorCode.NOT_FOUND, `This ${this.kind.noun} has no version ${version}.`);
        const content = this.kind.content({ ...old, dataset: current.dataset });
        await saveVersion(tx, id, current.version + 1, this.kind.columns(content), asker);
      });
      return this.read(db, asker, id);
    });
  }

  versions(asker: Principal, id: string): Promise<StoredVersion<C>[]> {
    return this.database.run(async (db) => {
      const document = await this.read(db, asker, id);
      const dataset = this.kind.columns(document.content).dataset;
      const rows = await db
        .selectFrom('report_versions')
        .selectAll()
        .where('report_id', '=', id)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((row) => ({
        version: row.version,
        content: this.kind.content({ ...row, dataset }),
        author: { sub: row.author_sub, name: row.author_name },
        createdAt: row.created_at,
      }));
    });
  }

  /** To the trash (the owner only); it stays restorable for REPORT_LIMITS.trashDays days. */
  delete(asker: Principal, id: string): Promise<StoredDocument<C>> {
    return this.setDeleted(asker, id, true);
  }

  restore(asker: Principal, id: string): Promise<StoredDocument<C>> {
    return this.setDeleted(asker, id, false);
  }

  /** Replaces the shares (the owner only: an editor may save, not share further). */
  setShares(asker: Principal, id: string, shares: readonly Share[]): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await db.transaction().execute(async (tx) => {
        // Two owners' tabs saving shares at once take turns: each replaces the whole set.
        await tx.selectFrom('reports').select('id').where('id', '=', uuidOrNone(id)).forUpdate().execute();
        const report = await this.read(tx, asker, id);
        ownerOnly(report, 'share', this.kind);
        await tx.deleteFrom('report_shares').where('report_id', '=', id).execute();
        const unique = new Map(shares.map((s) => [`${s.kind}:${s.grantee}`, s]));
        unique.delete(`user:${report.owner.sub}`); // the owner needs no share
        if (unique.size > 0)
          await tx
            .insertInto('report_shares')
            .values([...unique.values()].map((s) => ({ report_id: id, ...s })))
            .execute();
      });
      return this.read(db, asker, id);
    });
  }

  setFavourite(asker: Principal, id: string, favourite: boolean): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      await this.read(db, asker, id);
      if (favourite)
        await db
          .insertInto('report_favourites')
          .values({ user_sub: asker.sub, report_id: id, at: new Date() })
          .onConflict((c) => c.columns(['user_sub', 'report_id']).doNothing())
          .execute();
      else
        await db
          .deleteFrom('report_favourites')
          .where('user_sub', '=', asker.sub)
          .where('report_id', '=', id)
          .execute();
      return this.read(db, asker, id);
    });
  }

  /** People and groups seen by Aurora whose name, id or group name holds `search` (ignoring case). */
  searchPeople(
    asker: Principal,
    search: string,
  ): Promise<{ users: { sub: string; name: string }[]; groups: string[] }> {
    return this.database.run(async (db) => {
      await this.remember(db, asker);
      const users = await db
        .selectFrom('people')
        .select(['sub', 'name'])
        .where(sql<SqlBool>`position(lower(${search}) in lower(sub || ' ' || name)) > 0`)
        .orderBy('name')
        .limit(20)
        .execute();
      const groups = await db
        .selectFrom(sql<{ group: string }>`(select distinct unnest(groups) as "group" from people)`.as('g'))
        .select('g.group')
        .where(sql<SqlBool>`position(lower(${search}) in lower(g."group")) > 0`)
        .orderBy('g.group')
        .limit(20)
        .execute();
      return { users, groups: groups.map((g) => g.group) };
    });
  }

  private setDeleted(asker: Principal, id: string, deleted: boolean): Promise<StoredDocument<C>> {
    return this.database.run(async (db) => {
      if (!deleted) await purgeTrash(db);
      const report = await this.read(db, asker, id);
      ownerOnly(report, deleted ? 'delete' : 'restore', this.kind);
      const { noun } = this.kind;
      if (deleted !== (report.deletedAt === null))
        throw new AuroraError(
          ErrorCode.NOT_FOUND,
          deleted ? `This ${noun} is already in the trash.` : `This ${noun} is not in the trash.`,
        );
      await db
        .updateTable('reports')
        .set({ deleted_at: deleted ? new Date() : null })
        .where('id', '=', id)
        .execute();
      return this.read(db, asker, id);
    });
  }

  private async read(db: Kysely<AppTables>, asker: Principal, id: string): Promise<StoredDocument<C>> {
    const role = roleOf(asker);
    const row = await db
      .selectFrom('reports as r')
      .selectAll('r')
      .select([
        role.as('role'),
        sql<boolean>`exists (select 1 from report_favourites f where f.report_id = r.id and f.user_sub = ${asker.sub})`.as(
          'favourite',
        ),
      ])
      .where('r.id', '=', uuidOrNone(id))
      .where('r.kind', '=', this.kind.kind)
      .executeTakeFirst();
    const visible = row?.role && (row.deleted_at === null || row.role === 'owner');
    if (!row || !visible) throw notFound(this.kind);
    const shares =
      row.role === 'view'
        ? undefined
        : await db
            .selectFrom('report_shares')
            .select(['kind', 'grantee', 'role'])
            .where('report_id', '=', id)
            .orderBy('kind')
            .orderBy('grantee')
            .execute();
    return this.toDocument(row, row.role as Role, row.favourite, shares);
  }

  private toDocument(
    row: ContentRow & {
      id: string;
      owner_sub: string;
      owner_name: string;
      version: number;
      created_at: Date;
      updated_at: Date;
      deleted_at: Date | null;
    },
    role: Role,
    favourite: boolean,
    shares: readonly Share[] | undefined,
    openedAt?: Date | null,
  ): StoredDocument<C> {
    return {
      id: row.id,
      content: this.kind.content(row),
      owner: { sub: row.owner_sub, name: row.owner_name },
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
      role,
      favourite,
      shares,
      openedAt: openedAt ?? undefined,
    };
  }

  /** Writes the asker to the directory the share dialog searches, at most every 10 minutes. */
  private async remember(db: Kysely<AppTables>, asker: Principal): Promise<void> {
    const now = Date.now();
    if ((this.seen.get(asker.sub) ?? 0) > now - 600_000) return;
    await db
      .insertInto('people')
      .values({ sub: asker.sub, name: asker.name, groups: [...asker.groups], seen_at: new Date() })
      .onConflict((c) =>
        c.column('sub').doUpdateSet({ name: asker.name, groups: [...asker.groups], seen_at: new Date() }),
      )
      .execute();
    this.seen.set(asker.sub, now);
  }
}

/** The documents of a scope the asker may see (`r`, with their favourite `f` and last opening `o`), nothing selected. */
function inScope(db: Kysely<AppTables>, asker: Principal, scope: Scope, kind: DocumentKind<unknown>) {
  let query = db
    .selectFrom('reports as r')
    .leftJoin('report_favourites as f', (join) =>
      join.onRef('f.report_id', '=', 'r.id').on('f.user_sub', '=', asker.sub),
    )
    .leftJoin('report_opens as o', (join) =>
      join.onRef('o.report_id', '=', 'r.id').on('o.user_sub', '=', asker.sub),
    )
    .where('r.kind', '=', kind.kind)
    .where(roleOf(asker), 'is not', null);
  query =
    scope === 'trash'
      ? query.where('r.owner_sub', '=', asker.sub).where('r.deleted_at', 'is not', null)
      : query.where('r.deleted_at', 'is', null);
  if (scope === 'mine') query = query.where('r.owner_sub', '=', asker.sub);
  // The candidates through report_shares' grantee index, so the role is computed for those alone.
  if (scope === 'shared') query = query.where('r.owner_sub', '<>', asker.sub).where(sharedWith(asker));
  if (scope === 'recent') query = query.where('o.at', 'is not', null);
  if (scope === 'favourites') query = query.where('f.at', 'is not', null);
  return query;
}

/** The asker's role on `r`: owner, else the strongest of their shares (as a user or through a group), else null. */
function roleOf(asker: Principal): RawBuilder<Role | null> {
  return sql<Role | null>`case when r.owner_sub = ${asker.sub} then 'owner' else (
    select case when bool_or(s.role = 'edit') then 'edit' when count(*) > 0 then 'view' end
    from report_shares s
    where s.report_id = r.id
      and ((s.kind = 'user' and s.grantee = ${asker.sub}) or (s.kind = 'group' and s.grantee = any(${[...asker.groups]}::text[])))
  ) end`;
}

/** A share names the asker or one of their groups (indexed: report_shares_grantee). */
function sharedWith(asker: Principal): RawBuilder<SqlBool> {
  return sql<SqlBool>`(r.id in (
    select s.report_id from report_shares s
    where (s.kind = 'user' and s.grantee = ${asker.sub}) or (s.kind = 'group' and s.grantee = any(${[...asker.groups]}::text[]))
  ))`;
}

async function lockForEdit(
  tx: Kysely<AppTables>,
  asker: Principal,
  id: string,
  kind: DocumentKind<unknown>,
): Promise<{ version: number; dataset: string }> {
  const role = roleOf(asker);
  const row = await tx
    .selectFrom('reports as r')
    .select(['r.version', 'r.dataset', 'r.deleted_at', role.as('role')])
    .where('r.id', '=', uuidOrNone(id))
    .where('r.kind', '=', kind.kind)
    .forUpdate()
    .executeTakeFirst();
  if (!row?.role || row.deleted_at !== null) throw notFound(kind);
  if (row.role === 'view')
    throw new AuroraError(ErrorCode.FORBIDDEN, `This ${kind.noun} is shared with you to view, not to edit.`);
  return row;
}

async function saveVersion(
  tx: Kysely<AppTables>,
  id: string,
  version: number,
  content: ContentColumns,
  author: Principal,
): Promise<void> {
  const now = new Date();
  await tx
    .updateTable('reports')
    .set({ ...content, version, updated_at: now })
    .where('id', '=', id)
    .execute();
  await insertVersion(tx, id, version, content, author, now);
}

async function insertVersion(
  tx: Kysely<AppTables>,
  id: string,
  version: number,
  content: ContentColumns,
  author: Principal,
  at: Date,
): Promise<void> {
  const { name, description, folder, query, vintages, layout, definition } = content;
  await tx
    .insertInto('report_versions')
    .values({
      report_id: id,
      version,
      name,
      description,
      folder,
      query,
      vintages,
      layout,
      definition,
      author_sub: author.sub,
      author_name: author.name,
      created_at: at,
    })
    .execute();
}

function purgeTrash(db: Kysely<AppTables>): Promise<unknown> {
  return db.deleteFrom('reports').where('deleted_at', '<', TRASH_INTERVAL).execute();
}

function ownerOnly(
  document: { role: Role },
  action: 'share' | 'delete' | 'restore',
  kind: DocumentKind<unknown>,
): void {
  if (document.role !== 'owner')
    throw new AuroraError(ErrorCode.FORBIDDEN, `Only the ${kind.noun}'s owner may ${action} it.`);
}

function notFound(kind: DocumentKind<unknown>): AuroraError {
  return new AuroraError(ErrorCode.NOT_FOUND, `There is no such ${kind.noun}, or it is not shared with you.`);
}

function editConflict(current: number, kind: DocumentKind<unknown>): AuroraError {
  return new AuroraError(
    ErrorCode.EDIT_CONFLICT,
    `Someone saved this ${kind.noun} after you opened it (it is now version ${current}). Reopen it to see their changes, then save again.`,
  );
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && isUuid(id))
      return { at, id };
  } catch {
    // fall through: not one of ours
  }
  throw new AuroraError(ErrorCode.INVALID_QUERY, 'The cursor is not one this API gave out.', 'cursor');
}

import { AuroraError, ErrorCode, QuotaExceededError, type QuotaName } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { uuidOrNone, type AppTables } from '../reports/app-database';

/** The tables of things one person owns and nobody else sees: schedules and alerts. */
export type OwnedTable = 'schedules' | 'alerts';

/** How a table's rows are named to their owner, and how many one owner may keep. */
export interface OwnedKind<T extends OwnedTable> {
  readonly table: T;
  /** `schedule`, `alert`: in "There is no such schedule." */
  readonly noun: string;
  /** The quota's name in a 429 (`schedules`) and its bound. */
  readonly quota: QuotaName;
  readonly maxPerOwner: number;
}

/** A row of either table, with the columns both have that these functions read. */
type Row<T extends OwnedTable> = Selectable<AppTables[T]> & { readonly id: string; readonly version: number };

/**
 * Both tables have the columns read here; kysely types a union of tables column by column, so statements on either
 * are written against one of them (`schedules`), and the other has the same shape there.
 */
export function asSchedules(db: Kysely<AppTables>): Kysely<Pick<AppTables, 'schedules'>> {
  return db;
}

/** What a new row holds besides its owner, id, version and times (which insertOwned sets). */
export type NewOwnedRow<T extends OwnedTable> = Omit<
  Insertable<AppTables[T]>,
  'id' | 'owner_sub' | 'owner_name' | 'owner_principal' | 'version' | 'created_at' | 'updated_at'
>;

/**
 * Inserts an owner's new row at version 1, with the owner's principal as of now (what its runs ask for data as),
 * unless they already keep `maxPerOwner` (429 QUOTA_EXCEEDED). One owner's creations take turns (an advisory lock
 * per owner and table), so the limit holds under concurrent requests. Answers the new row's id.
 */
export async function insertOwned<T extends OwnedTable>(
  db: Kysely<AppTables>,
  kind: OwnedKind<T>,
  owner: Principal,
  now: Date,
  columns: NewOwnedRow<T>,
): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`${kind.table}:${owner.sub}`}))`.execute(tx);
    const { count } = await asSchedules(tx)
      .selectFrom(kind.table as 'schedules')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('owner_sub', '=', owner.sub)
      .executeTakeFirstOrThrow();
    if (Number(count) >= kind.maxPerOwner)
      throw new QuotaExceededError(
        kind.quota,
        `You already keep ${kind.maxPerOwner} ${kind.quota}. Delete some first.`,
      );
    const row = {
      ...columns,
      id,
      owner_sub: owner.sub,
      owner_name: owner.name,
      owner_principal: JSON.stringify(owner),
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await asSchedules(tx)
      .insertInto(kind.table as 'schedules')
      .values(row as Insertable<AppTables['schedules']>)
      .execute();
  });
  return id;
}

/** The owner's row `id`; anyone else's, or an id that is none, is NOT_FOUND, so its existence is not revealed. */
export async function ownedRow<T extends OwnedTable>(
  db: Kysely<AppTables>,
  kind: OwnedKind<T>,
  owner: Principal,
  id: string,
  forUpdate = false,
): Promise<Row<T>> {
  const query = asSchedules(db)
    .selectFrom(kind.table as 'schedules')
    .selectAll()
    .where('id', '=', uuidOrNone(id))
    .where('owner_sub', '=', owner.sub);
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw new AuroraError(ErrorCode.NOT_FOUND, `There is no such ${kind.noun}.`);
  return row as unknown as Row<T>;
}

/**
 * Changes the owner's row if `expectedVersion` is current (0: whatever it is; EDIT_CONFLICT, 412, otherwise),
 * with its version bumped: `columns` makes the change from the row as it is, locked.
 */
export async function changeOwned<T extends OwnedTable>(
  db: Kysely<AppTables>,
  kind: OwnedKind<T>,
  owner: Principal,
  id: string,
  expectedVersion: number,
  now: Date,
  columns: (row: Row<T>) => Updateable<AppTables[T]>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await ownedRow(tx, kind, owner, id, true);
    if (expectedVersion !== 0 && expectedVersion !== row.version)
      throw new AuroraError(
        ErrorCode.EDIT_CONFLICT,
        `This ${kind.noun} was changed after you read it (it is now version ${row.version}). Read it again, then save.`,
      );
    const change = columns(row) as Updateable<AppTables['schedules']>;
    await asSchedules(tx)
      .updateTable(kind.table as 'schedules')
      .set({ ...change, version: row.version + 1, updated_at: now })
      .where('id', '=', row.id)
      .execute();
  });
}

/** Deletes the owner's row (NOT_FOUND as ownedRow); its runs or checks go with it. */
export async function deleteOwned<T extends OwnedTable>(
  db: Kysely<AppTables>,
  kind: OwnedKind<T>,
  owner: Principal,
  id: string,
): Promise<void> {
  const row = await ownedRow(db, kind, owner, id);
  await asSchedules(db)
    .deleteFrom(kind.table as 'schedules')
    .where('id', '=', row.id)
    .execute();
}

import { canonicalJson, chainHash, GENESIS_HASH, type AuditRecord } from '@aurora/audit';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { sql } from 'kysely';
import type { AppDatabase } from '../reports/app-database';

/** Whoever extends the chain holds this transaction lock, so two replicas never fork it. */
const CHAIN_LOCK = 0x61756469; // "audi"

export interface AuditFilter {
  readonly user: string;
  readonly dataset: string;
  readonly action: string;
  readonly outcome: string;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly cursor: string;
  readonly limit: number;
}

export interface AuditEntry {
  readonly seq: number;
  /** The record's canonical JSON, exactly as it was hashed. */
  readonly recordJson: string;
}

/**
 * The audit trail's index in PostgreSQL: an append-only table where each row stores the previous row's hash and
 * its own hash over its canonical content (docs/ARCHITECTURE.md, "Audit trail").
 */
export class AuditStore {
  constructor(private readonly database: AppDatabase) {}

  /**
   * Appends a record at the end of the chain, once: a redelivered event (same id) is left as it is. Serialized by
   * an advisory transaction lock, so concurrent writers (replicas) take turns at the chain's end.
   */
  append(record: AuditRecord): Promise<'stored' | 'duplicate'> {
    const content = canonicalJson(record);
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
        const known = await tx
          .selectFrom('audit_events')
          .select('seq')
          .where('event_id', '=', record.id)
          .executeTakeFirst();
        if (known) return 'duplicate';
        const last = await tx
          .selectFrom('audit_events')
          .select(['seq', 'hash'])
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const prevHash = last?.hash ?? GENESIS_HASH;
        await tx
          .insertInto('audit_events')
          .values({
            seq: last ? (BigInt(last.seq) + 1n).toString() : 1,
            event_id: record.id,
            at: new Date(record.time),
            action: record.action,
            subject: record.actor.sub,
            datasets: sql<string[]>`${[...record.datasets]}::text[]` as unknown as never,
            outcome: record.outcome,
            content,
            prev_hash: prevHash,
            hash: chainHash(prevHash, content),
          })
          .execute();
        return 'stored';
      }),
    );
  }

  /** Newest first; the cursor is the last entry's place in the chain. */
  async list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextCursor: string }> {
    const before = decodeCursor(filter.cursor);
    const rows = await this.database.run((db) => {
      let query = db.selectFrom('audit_events').select(['seq', 'content']);
      if (filter.user) query = query.where('subject', '=', filter.user);
      if (filter.dataset) query = query.where(sql<boolean>`datasets @> array[${filter.dataset}]::text[]`);
      if (filter.action) query = query.where('action', '=', filter.action);
      if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
      if (filter.from) query = query.where('at', '>=', filter.from);
      if (filter.to) query = query.where('at', '<', filter.to);
      if (before !== undefined) query = query.where('seq', '<', before);
      return query
        .orderBy('seq', 'desc')
        .limit(filter.limit + 1)
        .execute();
    });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      entries: page.map((row) => ({ seq: Number(row.seq), recordJson: row.content })),
      nextCursor: rows.length > filter.limit && last ? Buffer.from(last.seq).toString('base64url') : '',
    };
  }

  /** The catalog version of the last catalog change recorded, if any. */
  async lastCatalogVersion(): Promise<string | undefined> {
    const row = await this.database.run((db) =>
      db
        .selectFrom('audit_events')
        .select('content')
        .where('action', '=', 'catalog.change')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    if (!row) return undefined;
    return (JSON.parse(row.content) as AuditRecord).detail?.['to'];
  }

  /** The retention job: removes the rows older than `keepFrom` from the chain's start. */
  async prune(keepFrom: Date): Promise<number> {
    const result = await this.database.run((db) =>
      sql<{ removed: string }>`select audit_prune(${keepFrom}) as removed`.execute(db),
    );
    return Number(result.rows[0]?.removed ?? 0);
  }
}

function decodeCursor(cursor: string): string | undefined {
  if (!cursor) return undefined;
  const seq = Buffer.from(cursor, 'base64url').toString();
  if (/^\d{1,18}$/.test(seq)) return seq;
  throw new AuroraError(ErrorCode.INVALID_QUERY, 'The cursor is not one this API gave out.', 'cursor');
}

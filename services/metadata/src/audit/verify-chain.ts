import { chainHash, GENESIS_HASH, type AuditRecord } from '@aurora/audit';
import type { Client } from 'pg';

export interface ChainVerification {
  readonly rows: number;
  /** The first row that does not verify, and why; absent when the chain is intact. */
  readonly broken?: { readonly seq: string; readonly reason: string };
}

interface Row {
  seq: string;
  event_id: string;
  at: Date;
  action: string;
  subject: string | null;
  outcome: string;
  datasets: string[];
  content: string;
  prev_hash: string;
  hash: string;
}

const BATCH = 1000;

/**
 * Walks the hash chain from the oldest row kept (retention removes a prefix; a first row other than seq 1 is
 * trusted as the anchor) to the newest: each row's hash is recomputed over its content, each row must name its
 * predecessor's hash, follow it without a gap, and its indexed columns must say what its content says.
 */
export async function verifyChain(client: Client): Promise<ChainVerification> {
  let previous: Row | undefined;
  let rows = 0;
  for (;;) {
    const { rows: batch } = await client.query<Row>(
      `select seq::text as seq, event_id, at, action, subject, outcome, datasets, content, prev_hash, hash
         from audit_events where audit_events.seq > $1 order by audit_events.seq limit ${BATCH}`,
      [previous?.seq ?? '0'],
    );
    for (const row of batch) {
      const reason = problemOf(row, previous);
      if (reason) return { rows, broken: { seq: row.seq, reason } };
      previous = row;
      rows += 1;
    }
    if (batch.length < BATCH) return { rows };
  }
}

function problemOf(row: Row, previous: Row | undefined): string | undefined {
  if (previous === undefined && row.seq === '1' && row.prev_hash !== GENESIS_HASH)
    return 'the first row does not start from the genesis hash';
  if (previous !== undefined) {
    if (BigInt(row.seq) !== BigInt(previous.seq) + 1n)
      return `rows ${previous.seq} to ${row.seq} are missing`;
    if (row.prev_hash !== previous.hash) return "its previous hash is not the previous row's hash";
  }
  if (chainHash(row.prev_hash, row.content) !== row.hash) return 'its hash does not match its content';
  let record: AuditRecord;
  try {
    record = JSON.parse(row.content) as AuditRecord;
  } catch {
    return 'its content is not JSON';
  }
  const matches =
    record.id === row.event_id &&
    record.action === row.action &&
    record.actor.sub === row.subject &&
    record.outcome === row.outcome &&
    new Date(record.time).getTime() === row.at.getTime() &&
    JSON.stringify(record.datasets) === JSON.stringify(row.datasets);
  return matches ? undefined : 'its columns do not match its content';
}

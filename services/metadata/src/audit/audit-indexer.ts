import { AuditStream, sha256Hex, type AuditRecord } from '@aurora/audit';
import { logger } from '@aurora/observability';
import { randomUUID } from 'node:crypto';
import type { AuditStore } from './audit.store';

const log = logger('metadata');
const HOUR_MS = 3600_000;

export interface AuditIndexerOptions {
  /** Rows older than this many days are pruned hourly; 0 keeps everything. */
  readonly retentionDays: number;
  /** SHA-256 of the catalog file this process started with. */
  readonly catalogVersion: string;
}

/**
 * Indexes the audit stream into the store (one event at a time, acked once stored), records a catalog change when
 * this process's catalog differs from the last one recorded, and runs the retention job.
 */
export class AuditIndexer {
  private readonly stop = new AbortController();
  private retention: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: AuditStream,
    private readonly store: AuditStore,
    private readonly options: AuditIndexerOptions,
  ) {}

  start(): void {
    void this.stream.consume(
      async (event) => {
        await this.store.append(event.data);
      },
      this.stop.signal,
      { onError: (error) => log.warn('audit event not indexed yet', { error: messageOf(error) }) },
    );
    void this.recordCatalogChange();
    if (this.options.retentionDays > 0) {
      const prune = (): void => void this.prune();
      prune();
      this.retention = setInterval(prune, HOUR_MS).unref();
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    clearInterval(this.retention);
    await this.stream.close();
  }

  /** Retried until the database and NATS answer: a change must not go unrecorded because Postgres was late. */
  private async recordCatalogChange(): Promise<void> {
    for (let attempt = 0; !this.stop.signal.aborted; attempt += 1) {
      try {
        const from = (await this.store.lastCatalogVersion()) ?? '';
        const to = this.options.catalogVersion;
        if (from === to) return;
        await this.stream.publish(catalogChange(from, to));
        log.info('catalog change recorded', { from, to });
        return;
      } catch (error) {
        if (attempt % 10 === 0) log.warn('catalog change not recorded yet', { error: messageOf(error) });
        await new Promise((resolve) => setTimeout(resolve, 3000).unref());
      }
    }
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.store.prune(
        new Date(Date.now() - this.options.retentionDays * 24 * HOUR_MS),
      );
      if (removed > 0) log.info('audit retention pruned rows', { removed });
    } catch (error) {
      log.warn('audit retention failed', { error: messageOf(error) });
    }
  }
}

/** Replicas starting together publish the same event id (from the two versions): JetStream keeps one. */
function catalogChange(from: string, to: string): AuditRecord {
  const digest = sha256Hex(`catalog.change:${from}:${to}`);
  return {
    id: `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`,
    time: new Date().toISOString(),
    action: 'catalog.change',
    actor: { sub: null, name: 'metadata service', groups: [] },
    clientAddress: null,
    route: null,
    target: null,
    datasets: [],
    columns: [],
    filterFingerprint: null,
    query: null,
    rows: null,
    bytes: null,
    durationMs: null,
    outcome: 'ok',
    status: null,
    errorCode: null,
    requestId: randomUUID(),
    traceId: null,
    detail: { from, to },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

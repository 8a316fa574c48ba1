import { logger } from '@aurora/observability';
import { sql } from 'kysely';
import type { AppDatabase } from '../reports/app-database';

const log = logger('metadata');

/** The vintages of the partitioned datasets, as the warehouse says now (CatalogService in production). */
export interface VintageSource {
  partitionedDatasets(): readonly string[];
  currentVintages(dataset: string): Promise<readonly { loadType: string; loadIds: readonly string[] }[]>;
}

/** What queues work when a vintage arrives: the scheduler (schedules) and the alert checker (alerts). */
export interface VintageListener {
  vintageArrived(dataset: string, at: Date): Promise<unknown>;
}

/** A new vintage: the `data` of the vintage-arrived CloudEvent (docs/API.md, "Schedules"). */
export interface VintageArrival {
  readonly dataset: string;
  readonly loadType: string;
  readonly loadId: string;
  readonly arrivedAt: string;
}

/** Where arrivals are announced (VintageEvents on NATS; nothing when the service has no NATS). */
export type AnnounceArrival = (arrival: VintageArrival) => Promise<void>;

/**
 * Notices new vintages: each pass reads every partitioned dataset's Load IDs and records them in `known_vintages`.
 * A row that is new there is a vintage that arrived, on exactly one replica (the primary key decides): it queues
 * the dataset's onVintage schedules and alerts (one run or check per dataset and pass, however many Load IDs came) and is announced.
 * The first pass over a dataset only records what is there: existing vintages did not just arrive.
 */
export class VintageWatcher {
  constructor(
    private readonly source: VintageSource,
    private readonly database: AppDatabase,
    private readonly listeners: VintageListener | readonly VintageListener[],
    private readonly announce: AnnounceArrival,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async poll(): Promise<VintageArrival[]> {
    const arrivals: VintageArrival[] = [];
    // One instant per poll: a dashboard schedule on two datasets that both got a vintage runs once for it.
    const at = this.now();
    for (const dataset of this.source.partitionedDatasets()) {
      const found = await this.arrived(dataset);
      if (found.length === 0) continue;
      const listeners = Array.isArray(this.listeners) ? this.listeners : [this.listeners];
      for (const listener of listeners as readonly VintageListener[])
        await listener.vintageArrived(dataset, at);
      for (const arrival of found) {
        await this.announce(arrival).catch((error: unknown) =>
          log.warn('vintage arrival not announced', {
            dataset,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      }
      arrivals.push(...found);
    }
    return arrivals;
  }

  private async arrived(dataset: string): Promise<VintageArrival[]> {
    const vintages = (await this.source.currentVintages(dataset)).flatMap(({ loadType, loadIds }) =>
      loadIds.map((loadId) => ({ loadType, loadId })),
    );
    if (vintages.length === 0) return [];
    const at = this.now();
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        // Replicas take turns per dataset, so "first pass" is decided once.
        await sql`select pg_advisory_xact_lock(hashtext(${`vintages:${dataset}`}))`.execute(tx);
        const known = await tx
          .selectFrom('known_vintages')
          .select('load_id')
          .where('dataset', '=', dataset)
          .limit(1)
          .executeTakeFirst();
        const inserted = await tx
          .insertInto('known_vintages')
          .values(vintages.map((v) => ({ dataset, load_type: v.loadType, load_id: v.loadId, seen_at: at })))
          .onConflict((c) => c.columns(['dataset', 'load_type', 'load_id']).doNothing())
          .returning(['load_type', 'load_id'])
          .execute();
        if (!known) return [];
        return inserted.map((row) => ({
          dataset,
          loadType: row.load_type,
          loadId: row.load_id,
          arrivedAt: at.toISOString(),
        }));
      }),
    );
  }
}

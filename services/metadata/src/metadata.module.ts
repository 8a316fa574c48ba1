import { logger, registerPoolGauges } from '@aurora/observability';
import { openWarehouse, type DatabaseAdapter } from '@aurora/warehouse';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AuditStream, sha256Hex } from '@aurora/audit';
import { natsClientSettings } from '@aurora/nats-access';
import { readFileSync } from 'node:fs';
import { Deliveries, deliveryConfig, InMemoryDirectory, type DeliveryConfig } from '@aurora/deliveries';
import { ObjectStore } from '@aurora/export-jobs';
import { AUDIT_READERS, AUDIT_STORE, AuditController } from './audit/audit.controller';
import { AuditIndexer } from './audit/audit-indexer';
import { AlertChecker } from './alerts/alert-checker';
import { ALERTS, AlertsController, type Alerts } from './alerts/alerts.controller';
import { AlertsStore } from './alerts/alerts.store';
import { NotificationEvents, NotificationsStore, type PublishNotification } from './alerts/notifications';
import { AuditStore } from './audit/audit.store';
import { readCatalogFile } from './catalog-file';
import { CatalogService } from './catalog.service';
import type { MetadataConfig } from './config';
import { MetadataController } from './metadata.controller';
import { AppDatabase } from './reports/app-database';
import { DASHBOARDS_STORE, DashboardsController } from './reports/dashboards.controller';
import { DashboardsStore } from './reports/dashboards.store';
import { REPORTS_STORE, ReportsController } from './reports/reports.controller';
import { ReportsStore } from './reports/reports.store';
import { SCHEDULES, SchedulesController, type Schedules } from './schedules/schedules.controller';
import { Scheduler } from './schedules/scheduler';
import { PeriodicTask } from './schedules/periodic-task';
import { readDirectoryFile } from './schedules/directory-file';
import { RunDeliverer } from './schedules/run-deliverer';
import { SchedulesStore } from './schedules/schedules.store';
import { VintageEvents } from './schedules/vintage-events';
import { VintageWatcher } from './schedules/vintage-watcher';

/** Injection tokens of what is built from the configuration. */
export const METADATA_CONFIG = 'METADATA_CONFIG';
export const WAREHOUSE = 'WAREHOUSE';
export const APP_DATABASE = 'APP_DATABASE';
export const AUDIT_INDEXER = 'AUDIT_INDEXER';
export const SCHEDULE_TASKS = 'SCHEDULE_TASKS';
export const NOTIFICATION_EVENTS = 'NOTIFICATION_EVENTS';

const log = logger('metadata');

/** The metadata service: its gRPC controller over the catalog, built at boot from the file and the warehouse. */
@Module({})
export class MetadataModule implements OnApplicationShutdown {
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(WAREHOUSE) private readonly warehouse: DatabaseAdapter,
    @Inject(APP_DATABASE) private readonly database: AppDatabase | undefined,
    @Inject(AUDIT_INDEXER) private readonly indexer: AuditIndexer | undefined,
    @Inject(SCHEDULE_TASKS) private readonly scheduleTasks: ScheduleTasks,
  ) {}

  static forRoot(config: MetadataConfig): DynamicModule {
    return {
      module: MetadataModule,
      controllers: [
        MetadataController,
        ReportsController,
        DashboardsController,
        AuditController,
        SchedulesController,
        AlertsController,
      ],
      providers: [
        { provide: METADATA_CONFIG, useValue: config },
        {
          provide: WAREHOUSE,
          inject: [METADATA_CONFIG],
          useFactory: async (config: MetadataConfig) => {
            const warehouse = await openWarehouse(config.WAREHOUSE_URL, {
              connections: config.WAREHOUSE_CONNECTIONS,
              // Introspection and vintages only: a few sessions, not the query service's pool (the URL may say otherwise).
              oracle: { poolMin: 1, poolMax: config.WAREHOUSE_CONNECTIONS },
            });
            registerPoolGauges(warehouse.dialect, () => warehouse.poolStats());
            return warehouse;
          },
        },
        {
          provide: APP_DATABASE,
          inject: [METADATA_CONFIG],
          useFactory: (config: MetadataConfig) => {
            if (!config.DATABASE_URL) return undefined;
            const database = new AppDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
            // Started, not awaited: the catalog serves while Postgres is down, and the first report call retries.
            database.migrate().catch((error: unknown) =>
              log.warn('application database not migrated yet', {
                error: error instanceof Error ? error.message : String(error),
              }),
            );
            return database;
          },
        },
        {
          provide: REPORTS_STORE,
          inject: [APP_DATABASE],
          useFactory: (database: AppDatabase | undefined) => database && new ReportsStore(database),
        },
        {
          provide: DASHBOARDS_STORE,
          inject: [APP_DATABASE],
          useFactory: (database: AppDatabase | undefined) => database && new DashboardsStore(database),
        },
        {
          provide: NOTIFICATION_EVENTS,
          inject: [METADATA_CONFIG],
          useFactory: (config: MetadataConfig): NotificationEvents | undefined => {
            const { NATS_URL } = config;
            return NATS_URL === undefined
              ? undefined
              : new NotificationEvents(natsClientSettings('metadata', { ...config, NATS_URL }));
          },
        },
        {
          provide: SCHEDULES,
          inject: [METADATA_CONFIG, APP_DATABASE, NOTIFICATION_EVENTS],
          useFactory: (
            config: MetadataConfig,
            database: AppDatabase | undefined,
            events: NotificationEvents | undefined,
          ): Schedules | undefined =>
            database && {
              store: new SchedulesStore(database),
              scheduler: new Scheduler(database, undefined, publisher(events)),
              deliverer: runDeliverer(config, database),
            },
        },
        {
          provide: ALERTS,
          inject: [APP_DATABASE, SCHEDULES, NOTIFICATION_EVENTS],
          useFactory: (
            database: AppDatabase | undefined,
            schedules: Schedules | undefined,
            events: NotificationEvents | undefined,
          ): Alerts | undefined =>
            database && {
              store: new AlertsStore(database),
              checker: new AlertChecker(database, publisher(events)),
              notifications: new NotificationsStore(database),
              // One deliverer sends both: a run's deliveries and a check's go through the same SMTP pool.
              ...(schedules?.deliverer ? { deliverer: schedules.deliverer } : {}),
            },
        },
        {
          provide: SCHEDULE_TASKS,
          inject: [METADATA_CONFIG, SCHEDULES, ALERTS, CatalogService, APP_DATABASE, NOTIFICATION_EVENTS],
          useFactory: (
            config: MetadataConfig,
            schedules: Schedules | undefined,
            alerts: Alerts | undefined,
            catalog: CatalogService,
            database: AppDatabase | undefined,
            events: NotificationEvents | undefined,
          ): ScheduleTasks => scheduleTasks(config, schedules, alerts, catalog, database, events),
        },
        { provide: AUDIT_READERS, useValue: config.AUDIT_READERS },
        {
          provide: AUDIT_STORE,
          inject: [APP_DATABASE],
          useFactory: (database: AppDatabase | undefined) => database && new AuditStore(database),
        },
        {
          provide: AUDIT_INDEXER,
          inject: [METADATA_CONFIG, AUDIT_STORE],
          useFactory: (config: MetadataConfig, store: AuditStore | undefined) => {
            const { NATS_URL } = config;
            if (!store || NATS_URL === undefined) return undefined;
            const stream = AuditStream.open(natsClientSettings('metadata', { ...config, NATS_URL }), {
              name: 'aurora-metadata-audit',
              source: '/services/metadata',
              publishTimeoutMs: 5000,
              onConnectError: (error) => log.error('audit stream not reachable', { error: error.message }),
            });
            const indexer = new AuditIndexer(stream, store, {
              retentionDays: config.AUDIT_RETENTION_DAYS,
              catalogVersion: sha256Hex(readFileSync(config.CATALOG_PATH, 'utf8')),
            });
            indexer.start();
            return indexer;
          },
        },
        {
          provide: CatalogService,
          inject: [METADATA_CONFIG, WAREHOUSE],
          useFactory: (config: MetadataConfig, warehouse: DatabaseAdapter) =>
            CatalogService.build(
              readCatalogFile(config.CATALOG_PATH),
              warehouse,
              config.VINTAGE_CACHE_SECONDS * 1000,
            ),
        },
      ],
    };
  }

  /** After the gRPC server has stopped; once, though both the signal hook and `app.close()` call it. */
  onApplicationShutdown(): Promise<void> {
    this.closing ??= Promise.all(this.scheduleTasks.map((task) => task.stop()))
      .then(() => this.indexer?.close())
      .catch(() => undefined)
      .then(() => Promise.all([this.warehouse.close(), this.database?.close()]))
      .then(() => undefined);
    return this.closing;
  }
}

/** What stops with the service: the scheduler's tick, the vintage watch and its NATS connection. */
type ScheduleTasks = readonly { stop(): Promise<void> }[];

/** Started here, on every replica with an application database (they coordinate in Postgres). */
function scheduleTasks(
  config: MetadataConfig,
  schedules: Schedules | undefined,
  alerts: Alerts | undefined,
  catalog: CatalogService,
  database: AppDatabase | undefined,
  notificationEvents: NotificationEvents | undefined,
): ScheduleTasks {
  if (!schedules || !database) return [];
  const tasks: { start?(): void; stop(): Promise<void> }[] = [];
  if (config.SCHEDULER_TICK_MS > 0) {
    tasks.push(
      new PeriodicTask('scheduler tick', config.SCHEDULER_TICK_MS, () => schedules.scheduler.tick()),
    );
    if (alerts)
      tasks.push(new PeriodicTask('alert tick', config.SCHEDULER_TICK_MS, () => alerts.checker.tick()));
  }
  if (notificationEvents) tasks.push({ stop: () => notificationEvents.close() });
  const { deliverer } = schedules;
  if (deliverer) {
    if (config.DELIVERY_SWEEP_MS > 0)
      tasks.push(new PeriodicTask('delivery sweep', config.DELIVERY_SWEEP_MS, () => deliverer.sweep()));
    // Last to stop: the deliveries under way finish (or are left pending for another replica's sweep).
    tasks.push({ stop: () => deliverer.close() });
  }
  if (config.VINTAGE_POLL_MS > 0) {
    const { NATS_URL } = config;
    const events =
      NATS_URL === undefined
        ? undefined
        : new VintageEvents(natsClientSettings('metadata', { ...config, NATS_URL }));
    const listeners = alerts ? [schedules.scheduler, alerts.checker] : [schedules.scheduler];
    const watcher = new VintageWatcher(catalog, database, listeners, (arrival) =>
      events ? events.publish(arrival) : Promise.resolve(),
    );
    tasks.push(new PeriodicTask('vintage watch', config.VINTAGE_POLL_MS, () => watcher.poll()));
    if (events) tasks.push({ stop: () => events.close() });
  }
  for (const task of tasks) task.start?.();
  return tasks;
}

/** Publishes each notification on NATS after its commit; a failure only loses the live push (logged). */
function publisher(events: NotificationEvents | undefined): PublishNotification {
  return (created) => {
    events?.publish(created).catch((error: unknown) =>
      log.warn('notification not published', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  };
}

/** The deliveries of finished runs: SMTP and webhooks (deliveryConfig), the email directory, the portal's links. */
function runDeliverer(config: MetadataConfig, database: AppDatabase): RunDeliverer {
  const settings = deliveryConfig(config);
  const directory =
    config.DIRECTORY_PATH === undefined
      ? new InMemoryDirectory([])
      : readDirectoryFile(config.DIRECTORY_PATH);
  // Only read when a mail attaches a file, so an object store that is down fails no delivery: the mail says so.
  const objects = settings.attachMaxBytes > 0 ? ObjectStore.fromEnv(config) : undefined;
  return new RunDeliverer(database, new Deliveries({ config: settings, directory }), directory, {
    portalUrl: config.PORTAL_URL,
    leaseMs: deliveryLeaseMs(settings),
    attachMaxBytes: settings.attachMaxBytes,
    ...(objects ? { readObject: (key: string, maxBytes: number) => objects.read(key, maxBytes) } : {}),
  });
}

/** Longer than the slowest delivery: every attempt timing out, with the longest wait between each. */
export function deliveryLeaseMs(settings: DeliveryConfig): number {
  const attemptMs =
    Math.max(settings.smtp.timeoutMs * 3, settings.webhook.timeoutMs) + settings.retry.maxDelayMs;
  return settings.retry.attempts * attemptMs + 60_000;
}

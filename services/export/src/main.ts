import { ExportQueue, ObjectStore, objectKey } from '@aurora/export-jobs';
import { natsClientSettings } from '@aurora/nats-access';
import {
  AUDIENCES,
  GrpcTls,
  InternalTokenIssuer,
  InternalTokenVerifier,
  ISSUERS,
} from '@aurora/internal-auth';
import {
  grpcClientTelemetry,
  logger,
  registerJetStreamGauges,
  serveMetrics,
  startTelemetry,
} from '@aurora/observability';
import { CLIENT_CHANNEL_OPTIONS, QueryClient, loadAuroraPackage } from '@aurora/proto';
import { exportConfig, GRPC_ROLES } from './config';
import { finish, runJob, type WorkerDeps } from './export-worker';

const log = logger('export');

/**
 * An export worker: pulls jobs from the shared durable consumer, EXPORT_CONCURRENCY at a time. More workers
 * are just more processes. SIGTERM stops pulling, lets running jobs finish within the grace period and hands
 * back (naks) what is still running after it.
 */
async function main(): Promise<void> {
  const config = exportConfig();
  const tracing = startTelemetry('export', config);
  const queue = await ExportQueue.connect(
    natsClientSettings('export-worker', config),
    'aurora-export-worker',
    {
      ackWaitSeconds: config.EXPORT_ACK_WAIT_SECONDS,
      backoffSeconds: config.EXPORT_BACKOFF_SECONDS,
    },
  );
  const store = ObjectStore.fromEnv(config);
  await store.ensureBucket();
  const query = new (loadAuroraPackage().aurora.v1.QueryService)(
    config.QUERY_GRPC_ADDRESS,
    new GrpcTls(config, GRPC_ROLES, log).channel(),
    { ...CLIENT_CHANNEL_OPTIONS, interceptors: [grpcClientTelemetry()] },
  );
  const deps: WorkerDeps = {
    queue,
    store,
    query: new QueryClient(query),
    timeoutMs: config.EXPORT_TIMEOUT_MS,
    // Jobs are vouched for by the gateway alone; the worker signs its own calls to the query service.
    statements: new InternalTokenVerifier(config.INTERNAL_TRUSTED_KEYS, AUDIENCES.export, [ISSUERS.gateway]),
    issuer: new InternalTokenIssuer(ISSUERS.export, config.INTERNAL_SIGNING_KEY),
  };

  await queue.onDeliveriesExhausted(async (item) => {
    const job = await queue.get(item.owner, item.id);
    if (!job || job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return;
    await finish(deps, job, {
      status: 'failed',
      error: {
        code: 'UNAVAILABLE',
        detail: 'The export kept failing and was given up. Please try again later.',
      },
    });
    log.warn('export given up after max deliveries', { job: item.id });
    // The last worker that died on it may have left a multipart upload open.
    await store.abortIncompleteUploads(objectKey(job)).catch(() => 0);
  });

  const draining = new AbortController(); // stop pulling new jobs
  const shutdown = new AbortController(); // hand back running jobs
  const stopping = (): boolean => draining.signal.aborted;
  const loops = Array.from({ length: config.EXPORT_CONCURRENCY }, async () => {
    while (!stopping()) {
      try {
        const delivery = await queue.next(2000);
        if (delivery) await runJob(delivery, deps, shutdown.signal);
      } catch (error) {
        if (!stopping()) {
          log.error('worker loop error', { error: error instanceof Error ? error.message : String(error) });
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  });
  registerJetStreamGauges(() => queue.backlog());
  const metrics = await serveMetrics({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    ready: async () =>
      !queue.connection.isClosed() &&
      (await queue.connection.flush().then(
        () => true,
        () => false,
      )) &&
      new Promise((resolve) => query.waitForReady(Date.now() + 2000, (error) => resolve(!error))),
  });
  log.info('export worker listening', {
    nats: config.NATS_URL,
    grpcTls: config.GRPC_TLS_MODE,
    concurrency: config.EXPORT_CONCURRENCY,
    metrics: metrics?.url,
  });

  const stop = (): void => {
    if (draining.signal.aborted) return;
    log.info('export worker draining', { graceMs: config.SHUTDOWN_GRACE_MS });
    draining.abort();
    const grace = setTimeout(() => shutdown.abort(), config.SHUTDOWN_GRACE_MS);
    void Promise.all(loops)
      .then(async () => {
        clearTimeout(grace);
        query.close();
        store.close();
        await queue.close();
        await Promise.all([metrics?.close(), tracing.shutdown()]);
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('export worker failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
});

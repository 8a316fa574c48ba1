// ExportsService.submitDashboard against a real NATS JetStream and S3: the job it queues, signed for the worker.
import { AuroraError } from '@aurora/errors';
import { ExportQueue, jobDigest, ObjectStore, type DashboardJobInput } from '@aurora/export-jobs';
import { AUDIENCES, InternalTokenVerifier, ISSUERS, type TrustedKeys } from '@aurora/internal-auth';
import {
  internalAuthEnv,
  startNats,
  startS3,
  testGatewayIssuer,
  type RunningNats,
  type RunningServer,
} from '@aurora/testing';
import { ExportsService } from '../src/api/exports.service';
import { gatewayConfig, type GatewayConfig } from '../src/config';
import type { GrpcClients } from '../src/http/grpc-clients';

const ALICE = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
const query = {
  dataset: 'global_sales',
  aggregate: { groupBy: ['region'], measures: [{ fn: 'count', column: null, as: 'sales' }] },
};
const tile = (i: number): DashboardJobInput['tiles'][number] => ({
  title: `Tile ${i}`,
  view: i % 2 === 0 ? 'chart' : 'table',
  x: (i % 4) * 3,
  y: Math.floor(i / 4) * 4,
  w: 3,
  h: 4,
  query,
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  chart: i % 2 === 0 ? { type: 'bar', x: 'region', y: ['sales'] } : null,
});

let nats: RunningNats;
let s3: RunningServer;
let config: GatewayConfig;
let exports: ExportsService;
const context = { principal: ALICE, token: '', timeoutMs: 10_000 };

beforeAll(async () => {
  [nats, s3] = await Promise.all([startNats(), startS3('aurora-exports')]);
  config = gatewayConfig({
    ...internalAuthEnv('gateway'),
    ...nats.env('gateway'),
    S3_ENDPOINT: s3.url,
    S3_BUCKET: 'aurora-exports',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  // submitDashboard calls no gRPC service: the tiles come resolved.
  exports = new ExportsService(config, {} as GrpcClients, ObjectStore.fromEnv(config), testGatewayIssuer());
}, 60_000);

afterAll(async () => {
  await exports.close();
  await Promise.all([nats.stop(), s3.stop()]);
});

describe('ExportsService.submitDashboard', () => {
  it('queues a PDF job whose signed statement covers the whole dashboard', async () => {
    const tiles = Array.from({ length: 12 }, (_, i) => tile(i));
    const job = await exports.submitDashboard(
      { name: 'Month-end / sales', filters: 'Region: EMEA', format: 'pdf', tiles },
      context,
    );
    expect(job).toMatchObject({
      status: 'queued',
      format: 'pdf',
      fileName: 'Month-end _ sales.pdf',
      queryJson: '',
    });
    expect(JSON.parse(job.dashboardJson ?? '')).toEqual({
      name: 'Month-end / sales',
      filters: 'Region: EMEA',
      tiles,
    });

    const queue = await ExportQueue.connect(nats.client('gateway'), 'dashboard-submit-test');
    try {
      expect(await queue.get(ALICE, job.id)).toMatchObject({ id: job.id, dashboardJson: job.dashboardJson });
    } finally {
      await queue.close();
    }
    // As the export worker checks it, with the keys it trusts.
    const trusted = JSON.parse(
      internalAuthEnv('export-worker')['INTERNAL_TRUSTED_KEYS'] ?? '{}',
    ) as TrustedKeys;
    const verifier = new InternalTokenVerifier(trusted, AUDIENCES.export, [ISSUERS.gateway]);
    const { principal, claims } = await verifier.verify(job.statement);
    expect(principal.sub).toBe('alice');
    expect(claims).toMatchObject({ job: job.id, digest: jobDigest(job) });
    // Another tile in the same job would not match what was signed.
    const changed = { ...job, dashboardJson: JSON.stringify({ name: 'x', filters: '', tiles: [tile(0)] }) };
    expect(jobDigest(changed)).not.toBe(claims['digest']);
  });

  it.each([
    ['25 tiles', { tiles: Array.from({ length: 25 }, (_, i) => tile(i % 12)) }, 'tiles'],
    ['a tile off the grid', { tiles: [{ ...tile(0), x: 10, w: 3 }] }, 'tiles.0.w'],
    ['a two-line name', { name: 'a\nb' }, 'name'],
  ])('refuses %s with INVALID_QUERY at its path', async (_case, change, path) => {
    const dashboard = { name: 'Sales', filters: '', format: 'png' as const, tiles: [tile(0)], ...change };
    const refused = await exports.submitDashboard(dashboard, context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuroraError);
    expect(refused).toMatchObject({ code: 'INVALID_QUERY', path });
  });
});

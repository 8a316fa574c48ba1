import { AuroraError } from '@aurora/errors';
import { AUDIENCES, generateSigningKey, InternalTokenIssuer, ISSUERS } from '@aurora/internal-auth';
import {
  bearerMetadata,
  fromGrpcError,
  loadAuroraPackage,
  type MetadataServiceClient,
  type PreviewResponse,
  type QueryServiceClient,
} from '@aurora/proto';
import { internalToken, startStack, testGatewayIssuer, type Stack } from '@aurora/testing';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * Behind the gateway, every service checks who is asking (issue 12's probe): the metadata and query services
 * take the principal only from an internal token that a trusted issuer signed for them, and it has not expired.
 * These call their gRPC APIs directly, as any process on the network could.
 */

let warehouse: TestWarehouse;
let stack: Stack;
let query: QueryServiceClient;
let metadata: MetadataServiceClient;

// sales-emea may not read employee_roster (demo.yaml).
const dave = { sub: 'dave', name: 'Dave Sales', groups: ['sales-emea'] };
const hr = { sub: 'henry', name: 'Henry Hr', groups: ['hr'] };
const SALARIES = JSON.stringify({ dataset: 'employee_roster', columns: ['full_name', 'salary'], limit: 3 });

beforeAll(async () => {
  warehouse = await demoWarehouse(2_000);
  stack = await startStack({ warehousePath: warehouse.path });
  const { v1 } = loadAuroraPackage().aurora;
  query = new v1.QueryService(stack.urls.query, credentials.createInsecure());
  metadata = new v1.MetadataService(stack.urls.metadata, credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  query.close();
  metadata.close();
  await stack.stop();
  await warehouse.remove();
});

function preview(meta: Metadata): Promise<PreviewResponse> {
  return new Promise((resolve, reject) =>
    query.preview({ queryJson: SALARIES }, meta, (error, response) =>
      error ? reject(error) : resolve(response as PreviewResponse),
    ),
  );
}

function listDatasets(meta: Metadata): Promise<string[]> {
  return new Promise((resolve, reject) =>
    metadata.listDatasets({}, meta, (error, response) =>
      error ? reject(error) : resolve((response?.datasets ?? []).map((d) => d.id)),
    ),
  );
}

function streamRows(meta: Metadata): Promise<number> {
  return new Promise((resolve, reject) => {
    let batches = 0;
    const call = query.streamRows({ queryJson: SALARIES }, meta);
    call.on('data', () => (batches += 1));
    call.on('error', reject);
    call.on('end', () => resolve(batches));
  });
}

/** The domain error a call failed with (undefined when it succeeded), and its gRPC status. */
async function failure(call: Promise<unknown>): Promise<{ status?: status; error?: Error }> {
  return call.then(
    () => ({}),
    (e: unknown) => ({ status: (e as ServiceError).code, error: fromGrpcError(e as ServiceError) }),
  );
}

async function refused(call: Promise<unknown>): Promise<string> {
  const { status: code, error } = await failure(call);
  expect(code).toBe(status.UNAUTHENTICATED);
  return error instanceof AuroraError ? error.detail : String(error);
}

describe('a service behind the gateway', () => {
  it('answers a call whose token a trusted gateway signed, as the principal the token names', async () => {
    const rows = await preview(bearerMetadata(await internalToken(hr)));
    expect(rows.rowCount).toBe(3);
    expect(await listDatasets(bearerMetadata(await internalToken(hr)))).toContain('employee_roster');
    expect(await streamRows(bearerMetadata(await internalToken(hr)))).toBeGreaterThan(0);
  });

  it('refuses the probe: a principal named in metadata, with no token', async () => {
    const claimed = new Metadata();
    claimed.set('x-aurora-sub', 'alice');
    claimed.set('x-aurora-groups', 'hr');
    expect(await refused(preview(claimed))).toBe('The call carries no internal token.');
    expect(await refused(streamRows(claimed))).toBe('The call carries no internal token.');
    expect(await refused(listDatasets(claimed))).toBe('The call carries no internal token.');
  });

  it('takes the groups from the token, never from metadata beside it', async () => {
    const meta = bearerMetadata(await internalToken(dave));
    meta.set('x-aurora-groups', 'hr');
    expect(await listDatasets(meta)).not.toContain('employee_roster');
    const { error } = await failure(preview(meta));
    expect(error).toMatchObject({ code: 'UNKNOWN_DATASET' }); // as if it did not exist
  });

  it('refuses a forged token: another key, even one that claims a trusted key id', async () => {
    const forger = generateSigningKey('test-gateway-1');
    const forged = await new InternalTokenIssuer(ISSUERS.gateway, forger.signingKey).requestToken(hr);
    expect(await refused(preview(bearerMetadata(forged)))).toBe(
      'The internal token has an invalid signature.',
    );
    expect(await refused(listDatasets(bearerMetadata(forged)))).toBe(
      'The internal token has an invalid signature.',
    );
  });

  it('refuses an expired token', async () => {
    const anHourAgo = Date.now() - 3600 * 1000;
    const expired = await testGatewayIssuer(() => anHourAgo).requestToken(hr);
    expect(await refused(preview(bearerMetadata(expired)))).toBe('The internal token has expired.');
    expect(await refused(listDatasets(bearerMetadata(expired)))).toBe('The internal token has expired.');
  });

  it('refuses a token for another service', async () => {
    const statement = await testGatewayIssuer().jobStatement(hr, { job: 'j', digest: 'd' });
    expect(await refused(preview(bearerMetadata(statement)))).toBe(
      'The internal token is for another service.',
    );
    expect(await refused(listDatasets(bearerMetadata(statement)))).toBe(
      'The internal token is for another service.',
    );
    const metadataOnly = await internalToken(hr, [AUDIENCES.metadata]);
    expect(await refused(preview(bearerMetadata(metadataOnly)))).toBe(
      'The internal token is for another service.',
    );
  });
});

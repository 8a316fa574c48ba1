import { GrpcTls } from '@aurora/internal-auth';
import {
  bearerMetadata,
  loadAuroraPackage,
  type MetadataServiceClient,
  type QueryServiceClient,
} from '@aurora/proto';
import {
  createTestCa,
  internalAuthEnv,
  internalToken,
  startMetadata,
  startStack,
  type Stack,
  type TestCa,
  type TestCertificate,
} from '@aurora/testing';
import { credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayConfig, GRPC_ROLES } from '../src/config';
import { post } from './support/http';
import { DEMO_CATALOG, demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * gRPC between the services over mutual TLS (GRPC_TLS_MODE=mtls, docs/OPERATIONS.md "gRPC TLS between
 * services"): metadata and query serve only peers whose certificate the internal CA issued, every client checks
 * the server's certificate and its name, and the gateway → query → metadata path works end to end. TLS
 * authenticates the calling service; the internal token is still what names the user.
 */

const hr = { sub: 'henry', name: 'Henry Hr', groups: ['hr'] };
const SALARIES = JSON.stringify({ dataset: 'employee_roster', columns: ['full_name', 'salary'], limit: 3 });

let warehouse: TestWarehouse;
let ca: TestCa;
let foreignCa: TestCa;
let peer: TestCertificate; // a certificate of the internal CA, as the gateway's or export worker's
let stranger: TestCertificate; // the same, from another CA
let stack: Stack;

beforeAll(async () => {
  warehouse = await demoWarehouse(2_000);
  ca = createTestCa('aurora-internal-ca');
  foreignCa = createTestCa('foreign-ca');
  peer = ca.issue('peer');
  stranger = foreignCa.issue('stranger');
  stack = await startStack({
    warehousePath: warehouse.path,
    env: {
      metadata: ca.issue('metadata').env('mtls'),
      query: ca.issue('query').env('mtls'),
      gateway: ca.issue('gateway').env('mtls'),
    },
  });
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
  ca.remove();
  foreignCa.remove();
});

const pem = (path: string): Buffer => readFileSync(path);
/** TLS credentials of a client: the CA it trusts, and the certificate it presents (if any). */
function tlsClient(trusts: string, presents?: TestCertificate): ChannelCredentials {
  return presents
    ? credentials.createSsl(pem(trusts), pem(presents.key), pem(presents.cert))
    : credentials.createSsl(pem(trusts));
}

type Outcome = { answered: true } | { answered: false; code: status; details: string };

/** One call with a valid token on a fresh channel: answered, or the gRPC status it failed with. */
async function call<C extends { close(): void }>(
  client: C,
  method: (client: C, meta: Metadata, done: (error: ServiceError | null) => void) => void,
  meta?: Metadata,
): Promise<Outcome> {
  const metadata = meta ?? bearerMetadata(await internalToken(hr));
  const error = await new Promise<ServiceError | null>((resolve) => method(client, metadata, resolve));
  client.close();
  return error ? { answered: false, code: error.code, details: error.details } : { answered: true };
}

const deadline = () => ({ deadline: Date.now() + 10_000 });

function askMetadata(
  creds: ChannelCredentials,
  address = stack.urls.metadata,
  options = {},
  meta?: Metadata,
) {
  const client: MetadataServiceClient = new (loadAuroraPackage().aurora.v1.MetadataService)(
    address,
    creds,
    options,
  );
  return call(client, (c, m, done) => c.listDatasets({}, m, deadline(), (error) => done(error)), meta);
}

function askQuery(creds: ChannelCredentials, meta?: Metadata) {
  const client: QueryServiceClient = new (loadAuroraPackage().aurora.v1.QueryService)(
    stack.urls.query,
    creds,
  );
  return call(
    client,
    (c, m, done) => c.preview({ queryJson: SALARIES }, m, deadline(), (e) => done(e)),
    meta,
  );
}

/** The details of a call refused before it reached the service (no TLS connection); fails if it was not. */
async function connectionRefused(outcome: Promise<Outcome>): Promise<string> {
  const result = await outcome;
  if (result.answered) throw new Error('the call was answered');
  expect(result.code).toBe(status.UNAVAILABLE);
  return result.details;
}

describe('gRPC between the services under mTLS', () => {
  it('answers a client whose certificate the internal CA issued, when its token names a user', async () => {
    expect(await askMetadata(tlsClient(ca.cert, peer))).toEqual({ answered: true });
    expect(await askQuery(tlsClient(ca.cert, peer))).toEqual({ answered: true });
  });

  it('refuses a plaintext client', async () => {
    await connectionRefused(askMetadata(credentials.createInsecure()));
    await connectionRefused(askQuery(credentials.createInsecure()));
  });

  it('refuses a TLS client that presents no certificate', async () => {
    expect(await connectionRefused(askMetadata(tlsClient(ca.cert)))).toMatch(/certificate required/);
    expect(await connectionRefused(askQuery(tlsClient(ca.cert)))).toMatch(/certificate required/);
  });

  it('refuses a client whose certificate another CA issued', async () => {
    await connectionRefused(askMetadata(tlsClient(ca.cert, stranger)));
    await connectionRefused(askQuery(tlsClient(ca.cert, stranger)));
  });

  it('is refused by a client that does not trust the internal CA', async () => {
    expect(await connectionRefused(askMetadata(tlsClient(foreignCa.cert, peer)))).toMatch(/certificate/i);
  });

  it('still wants the internal token: TLS says which service calls, the token which user', async () => {
    const outcome = await askQuery(tlsClient(ca.cert, peer), new Metadata());
    expect(outcome).toEqual({
      answered: false,
      code: status.UNAUTHENTICATED,
      details: JSON.stringify({ code: 'UNAUTHENTICATED', detail: 'The call carries no internal token.' }),
    });
  });

  it('serves a preview through the gateway, which calls query, which calls metadata, all over mTLS', async () => {
    for (const service of [stack.metadata, stack.query, stack.gateway]) {
      expect(service.process.output()).toMatch(/"grpcTls":"mtls"/);
    }
    const response = await post(
      `${stack.urls.api}/query/preview`,
      { dataset: 'employee_roster', columns: ['full_name'], limit: 3 },
      { token: await stack.token('bob-cli') },
    );
    expect(response.status).toBe(200);
    expect(response.json<{ rows: unknown[] }>().rows).toHaveLength(3);
  });
});

describe('the name on the server certificate', () => {
  it('must match the address the gateway dials (the chart dials Service names, its certificates carry them)', async () => {
    const named = ca.issue('named-metadata', { sans: ['DNS:aurora-metadata'] });
    const metadata = await startMetadata(warehouse.path, DEMO_CATALOG, named.env('mtls'));
    // The channel credentials the gateway builds from its settings.
    const config = gatewayConfig({ ...internalAuthEnv('gateway'), ...peer.env('mtls') });
    const gatewayChannel = new GrpcTls(config, GRPC_ROLES, { info: () => undefined, warn: () => undefined });
    try {
      expect(await connectionRefused(askMetadata(gatewayChannel.channel(), metadata.address))).toMatch(
        /altnames/,
      );
      // The same server, its name expected: what a client dialling aurora-metadata:50051 sees.
      const asNamed = { 'grpc.ssl_target_name_override': 'aurora-metadata' };
      expect(await askMetadata(gatewayChannel.channel(), metadata.address, asNamed)).toEqual({
        answered: true,
      });
    } finally {
      await metadata.stop();
    }
  });
});

describe('certificate renewal', () => {
  it('serves new connections with renewed files without a restart, and keeps the last good set over a broken one', async () => {
    const renewedCa = createTestCa('renewed-ca');
    const renewed = renewedCa.issue('renewing-metadata');
    const volume = secretVolume(ca.issue('renewing-metadata'));
    const metadata = await startMetadata(warehouse.path, DEMO_CATALOG, {
      GRPC_TLS_MODE: 'tls',
      ...volume.files,
      GRPC_TLS_RELOAD_MS: '1000',
    });
    try {
      expect(await askMetadata(tlsClient(ca.cert), metadata.address)).toEqual({ answered: true });
      volume.update(renewed);
      await until(async () => (await askMetadata(tlsClient(renewedCa.cert), metadata.address)).answered);
      await connectionRefused(askMetadata(tlsClient(ca.cert), metadata.address));
      expect(metadata.process.output()).toContain('gRPC TLS files reloaded');
      expect(metadata.process.output()).not.toContain('were refused');

      volume.update({ cert: renewed.cert, key: peer.key }); // a key that is not the certificate's
      await until(() => metadata.process.output().includes('were refused'));
      expect(metadata.process.output()).toContain('GRPC_TLS_KEY: is not the private key');
      expect(await askMetadata(tlsClient(renewedCa.cert), metadata.address)).toEqual({ answered: true });
    } finally {
      await metadata.stop();
      volume.remove();
      renewedCa.remove();
    }
  });
});

/**
 * A certificate's files as a Kubernetes Secret volume shows them, and as cert-manager's renewal changes them:
 * `tls.crt` and `tls.key` are links into `..data`, a link to a folder of the current versions that the kubelet
 * replaces in one rename.
 */
function secretVolume(initial: Pick<TestCertificate, 'cert' | 'key'>) {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-tls-volume-'));
  let version = 0;
  const update = (files: Pick<TestCertificate, 'cert' | 'key'>): void => {
    version += 1;
    const folder = `..${version}`;
    mkdirSync(join(dir, folder));
    copyFileSync(files.cert, join(dir, folder, 'tls.crt'));
    copyFileSync(files.key, join(dir, folder, 'tls.key'));
    symlinkSync(folder, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  };
  update(initial);
  symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
  symlinkSync('..data/tls.key', join(dir, 'tls.key'));
  return {
    files: { GRPC_TLS_CERT: join(dir, 'tls.crt'), GRPC_TLS_KEY: join(dir, 'tls.key') },
    update,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('a bad TLS setting', () => {
  it('stops the service at start with a message naming it', async () => {
    const { cert, ca: caFile } = ca.issue('half-configured');
    const env = { GRPC_TLS_MODE: 'mtls', GRPC_TLS_CERT: cert, GRPC_TLS_CA: caFile };
    await expect(startMetadata(warehouse.path, DEMO_CATALOG, env)).rejects.toThrow(
      /metadata failed to start.*GRPC_TLS_KEY: required when GRPC_TLS_MODE is mtls/,
    );
    const unreadable = { ...peer.env('mtls'), GRPC_TLS_CA: `${ca.dir}/no-such-ca.crt` };
    await expect(stack.startQuery(unreadable)).rejects.toThrow(/GRPC_TLS_CA: cannot read .*no-such-ca\.crt/);
  });
});

/** Polls `condition` every 200 ms for up to 15 s. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

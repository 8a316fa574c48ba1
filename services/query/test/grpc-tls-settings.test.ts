import { checkGrpcTls, grpcTlsEnv, type GrpcRoles } from '@aurora/internal-auth';
import { createTestCa, internalAuthEnv, type TestCa } from '@aurora/testing';
import { z } from 'zod';
import { queryConfig } from '../src/config';

/**
 * The GRPC_TLS_* settings are checked at start, and a bad one stops the service with a message naming it. The
 * query service both serves and calls (metadata); the other roles are checked through the same rule.
 */

let ca: TestCa;
let otherCa: TestCa;

beforeAll(() => {
  ca = createTestCa('settings-ca');
  otherCa = createTestCa('settings-other-ca');
});

afterAll(() => {
  ca.remove();
  otherCa.remove();
});

/** The query service's configuration error for `env` (undefined when it starts). */
function queryRefusal(env: Record<string, string>): string | undefined {
  try {
    queryConfig({ ...internalAuthEnv('query'), ...env });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const METADATA: GrpcRoles = { serves: true, calls: false };
const CALLER: GrpcRoles = { serves: false, calls: true }; // gateway, export

/** `setting: message` of each problem a service with `roles` would stop for. */
function problems(roles: GrpcRoles, env: Record<string, string>): string[] {
  const result = z.object(grpcTlsEnv).superRefine(checkGrpcTls(roles)).safeParse(env);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('gRPC TLS settings', () => {
  it('default to plaintext with no files, as npm start and most tests run', () => {
    const config = queryConfig(internalAuthEnv('query'));
    expect(config.GRPC_TLS_MODE).toBe('off');
    expect([config.GRPC_TLS_CERT, config.GRPC_TLS_KEY, config.GRPC_TLS_CA]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(config.GRPC_TLS_RELOAD_MS).toBe(60_000);
  });

  it('accept a certificate, its key and the CA in mtls mode', () => {
    const certificate = ca.issue('query');
    const config = queryConfig({ ...internalAuthEnv('query'), ...certificate.env('mtls') });
    expect(config).toMatchObject({
      GRPC_TLS_MODE: 'mtls',
      GRPC_TLS_CERT: certificate.cert,
      GRPC_TLS_KEY: certificate.key,
      GRPC_TLS_CA: certificate.ca,
    });
  });

  it('stop the service naming each file that the mode needs and that is not set', () => {
    const { cert } = ca.issue('query');
    const message = queryRefusal({ GRPC_TLS_MODE: 'mtls', GRPC_TLS_CERT: cert });
    expect(message).toMatch(/^query: invalid configuration\n/);
    expect(message).toContain('GRPC_TLS_KEY: required when GRPC_TLS_MODE is mtls');
    expect(message).toContain('GRPC_TLS_CA: required when GRPC_TLS_MODE is mtls');
    expect(message).not.toContain('GRPC_TLS_CERT');
  });

  it('refuse an unknown mode', () => {
    expect(queryRefusal({ GRPC_TLS_MODE: 'on' })).toContain('GRPC_TLS_MODE: Invalid option');
  });

  it('refuse certificate files while the mode is off, rather than talk plaintext with them mounted', () => {
    const { cert, key, ca: caFile } = ca.issue('query');
    const files = { GRPC_TLS_CERT: cert, GRPC_TLS_KEY: key, GRPC_TLS_CA: caFile };
    expect(queryRefusal(files)).toContain('GRPC_TLS_CERT: is set, but GRPC_TLS_MODE is off');
  });

  it('name a file that cannot be read', () => {
    const certificate = ca.issue('query');
    const message = queryRefusal({ ...certificate.env('mtls'), GRPC_TLS_CA: `${ca.dir}/missing.crt` });
    expect(message).toContain(`GRPC_TLS_CA: cannot read ${ca.dir}/missing.crt (ENOENT)`);
  });

  it('name a file that is not what it should be: PEM certificate, PEM key, the key of that certificate', () => {
    const certificate = ca.issue('query');
    const other = otherCa.issue('query');
    expect(queryRefusal({ ...certificate.env('mtls'), GRPC_TLS_CERT: certificate.key })).toContain(
      'GRPC_TLS_CERT: ' + certificate.key + ' holds no PEM certificate',
    );
    expect(queryRefusal({ ...certificate.env('mtls'), GRPC_TLS_KEY: certificate.cert })).toContain(
      'GRPC_TLS_KEY: ' + certificate.cert + ' holds no PEM private key',
    );
    expect(queryRefusal({ ...certificate.env('mtls'), GRPC_TLS_KEY: other.key })).toContain(
      'GRPC_TLS_KEY: is not the private key of the GRPC_TLS_CERT certificate',
    );
    expect(queryRefusal({ ...certificate.env('mtls'), GRPC_TLS_CA: certificate.key })).toContain(
      'GRPC_TLS_CA: ' + certificate.key + ' holds no PEM certificate',
    );
  });

  it('refuse an expired certificate', () => {
    const expired = ca.issue('expired', { days: -1 });
    expect(queryRefusal(expired.env('tls'))).toMatch(/GRPC_TLS_CERT: expired on \d{4}-/);
  });

  it('refuse a certificate without the extended key usage its service needs', () => {
    const clientOnly = ca.issue('client-only', { usages: ['clientAuth'] });
    const serverOnly = ca.issue('server-only', { usages: ['serverAuth'] });
    expect(queryRefusal(clientOnly.env('tls'))).toContain('GRPC_TLS_CERT: lacks the usage "server auth"');
    // Under tls the query service calls metadata without a certificate; under mtls it presents this one.
    expect(queryRefusal(serverOnly.env('tls'))).toBeUndefined();
    expect(queryRefusal(serverOnly.env('mtls'))).toContain('GRPC_TLS_CERT: lacks the usage "client auth"');
    expect(problems(CALLER, serverOnly.env('mtls'))).toEqual([
      'GRPC_TLS_CERT: lacks the usage "client auth"',
    ]);
  });

  it('ask each role under tls for what it uses: a server its certificate and key, a caller the CA', () => {
    const { cert, key, ca: caFile } = ca.issue('service');
    expect(problems(METADATA, { GRPC_TLS_MODE: 'tls', GRPC_TLS_CERT: cert, GRPC_TLS_KEY: key })).toEqual([]);
    expect(problems(METADATA, { GRPC_TLS_MODE: 'tls', GRPC_TLS_CA: caFile })).toEqual([
      expect.stringMatching(/^GRPC_TLS_CERT: required when GRPC_TLS_MODE is tls/),
      expect.stringMatching(/^GRPC_TLS_KEY: required when GRPC_TLS_MODE is tls/),
    ]);
    expect(problems(CALLER, { GRPC_TLS_MODE: 'tls', GRPC_TLS_CA: caFile })).toEqual([]);
    expect(problems(CALLER, { GRPC_TLS_MODE: 'tls', GRPC_TLS_CERT: cert, GRPC_TLS_CA: caFile })).toEqual([
      expect.stringMatching(/^GRPC_TLS_KEY: required when GRPC_TLS_MODE is tls/),
    ]);
  });

  it('ask every role under mtls for all three files', () => {
    for (const roles of [METADATA, CALLER]) {
      expect(problems(roles, { GRPC_TLS_MODE: 'mtls' })).toEqual([
        expect.stringMatching(/^GRPC_TLS_CERT: required when GRPC_TLS_MODE is mtls/),
        expect.stringMatching(/^GRPC_TLS_KEY: required when GRPC_TLS_MODE is mtls/),
        expect.stringMatching(/^GRPC_TLS_CA: required when GRPC_TLS_MODE is mtls/),
      ]);
    }
  });
});

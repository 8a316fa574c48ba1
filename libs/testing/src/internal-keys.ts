import {
  AUDIENCES,
  generateSigningKey,
  InternalTokenIssuer,
  ISSUERS,
  type Audience,
} from '@aurora/internal-auth';
import type { Principal } from '@aurora/proto';

/**
 * The internal signing keys of one test process, made on first use: every service the harness starts signs
 * with, or trusts, these (as `npm start` does with its own), and tests sign tokens of their own with them.
 */
let keys:
  | { gateway: ReturnType<typeof generateSigningKey>; export: ReturnType<typeof generateSigningKey> }
  | undefined;

function testKeys() {
  keys ??= {
    gateway: generateSigningKey('test-gateway-1'),
    export: generateSigningKey('test-export-1'),
  };
  return keys;
}

/** The INTERNAL_* settings of one service (gateway and export sign; metadata, query and export verify). */
export function internalAuthEnv(service: string): Record<string, string> {
  const { gateway, export: exporter } = testKeys();
  const trusted = JSON.stringify({
    [ISSUERS.gateway]: { keys: [gateway.publicKey] },
    [ISSUERS.export]: { keys: [exporter.publicKey] },
  });
  switch (service) {
    case 'gateway':
      return { INTERNAL_SIGNING_KEY: JSON.stringify(gateway.signingKey) };
    case 'export-worker':
      return { INTERNAL_SIGNING_KEY: JSON.stringify(exporter.signingKey), INTERNAL_TRUSTED_KEYS: trusted };
    case 'metadata':
    case 'query':
      return { INTERNAL_TRUSTED_KEYS: trusted };
    default:
      return {};
  }
}

/**
 * The issuer the harness's gateways sign with: for tests that call a service's gRPC API themselves (`now`
 * sets its clock, e.g. to sign a token that has expired).
 */
export function testGatewayIssuer(now?: () => number): InternalTokenIssuer {
  return new InternalTokenIssuer(ISSUERS.gateway, testKeys().gateway.signingKey, now);
}

/** A read-path token for `principal`, as a gateway of the harness would sign it. */
export function internalToken(
  principal: Principal,
  audience: readonly Audience[] = [AUDIENCES.query, AUDIENCES.metadata],
): Promise<string> {
  return testGatewayIssuer().sign(principal, audience, 120);
}

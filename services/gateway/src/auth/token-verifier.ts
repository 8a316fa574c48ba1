import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
}

/**
 * Trusts only bearer JWTs of the configured OpenID Connect issuer: signature against the issuer's JWKS
 * (found through discovery), `iss`, `aud`, `exp`/`nbf`, and an allow-list of algorithms.
 */
export class TokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...this.options.algorithms],
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof AuroraError) throw error;
      throw unauthenticated();
    }
    const groups = Array.isArray(payload['groups'])
      ? payload['groups'].filter((g) => typeof g === 'string')
      : [];
    const sub = payload.sub ?? '';
    const name = typeof payload['name'] === 'string' ? payload['name'] : sub;
    return { sub, name, groups };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= discoverJwks(this.options.issuer).catch((error: unknown) => {
      this.keys = undefined; // retry discovery on the next request
      throw error;
    });
    return this.keys;
  }
}

async function discoverJwks(issuer: string): Promise<JWTVerifyGetKey> {
  let response: Response;
  try {
    response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new AuroraError(ErrorCode.UNAVAILABLE, 'The sign-in service cannot be reached. Please try again.');
  }
  if (!response.ok)
    throw new AuroraError(ErrorCode.UNAVAILABLE, 'The sign-in service is not ready. Please try again.');
  const discovery = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (typeof discovery.jwks_uri !== 'string' || discovery.issuer !== issuer) {
    throw new AuroraError(ErrorCode.UNAVAILABLE, 'The sign-in service is misconfigured.');
  }
  return createRemoteJWKSet(new URL(discovery.jwks_uri));
}

function unauthenticated(): AuroraError {
  return new AuroraError(
    ErrorCode.UNAUTHENTICATED,
    'Sign in again: the access token is missing, expired or not valid.',
  );
}

import { AuroraError, ErrorCode } from '@aurora/errors';
import { VerifiedTokens } from '@aurora/internal-auth';
import { principalAttributes, type Principal } from '@aurora/proto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
}

const VERIFIED_FOR_MS = 60_000;

/**
 * What a token is worth: a principal; or `expired`, a token that passes every check but `exp` (signature,
 * issuer, audience, algorithm: its holder only needs a fresh one); or `invalid`, anything else.
 */
export type TokenVerification =
  | { readonly kind: 'valid'; readonly principal: Principal }
  | { readonly kind: 'expired' }
  | { readonly kind: 'invalid' };

/**
 * Trusts only bearer JWTs of the configured OpenID Connect issuer: signature against the issuer's JWKS
 * (found through discovery), `iss`, `aud`, `exp`/`nbf`, and an allow-list of algorithms. An unreachable or
 * misconfigured issuer is thrown (UNAVAILABLE), not reported as a bad token.
 */
export class TokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;
  /**
   * A client sends the same token with every request until it expires: its signature is checked once and its
   * principal reused until `exp`, for at most VERIFIED_FOR_MS (far below the 10 minutes jose keeps a key that
   * has left the issuer's JWKS, so a removed key is not trusted any longer than before).
   */
  private readonly verified = new VerifiedTokens<Principal>(Date.now);

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<TokenVerification> {
    const known = this.verified.get(token);
    if (known) return { kind: 'valid', principal: known };
    try {
      const claims = await this.claims(token);
      const principal = principalOf(claims);
      const { exp = 0 } = claims;
      this.verified.remember(token, principal, Math.min(exp * 1000, Date.now() + VERIFIED_FOR_MS));
      return { kind: 'valid', principal };
    } catch (error) {
      if (error instanceof AuroraError) throw error;
      if (error instanceof errors.JWTExpired && (await this.wasValidAtExpiry(token, error.payload))) {
        return { kind: 'expired' };
      }
      return { kind: 'invalid' };
    }
  }

  /**
   * Verified again as of the second before its `exp`, so "expired" never depends on the order in which jose
   * checks claims: a token of another audience or issuer stays invalid however old it is.
   */
  private async wasValidAtExpiry(token: string, payload: JWTPayload): Promise<boolean> {
    if (typeof payload.exp !== 'number') return false;
    try {
      await this.claims(token, new Date((payload.exp - 1) * 1000));
      return true;
    } catch {
      return false;
    }
  }

  private async claims(token: string, currentDate?: Date): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: [...this.options.algorithms],
      requiredClaims: ['sub', 'exp'],
      ...(currentDate === undefined ? {} : { currentDate }),
    });
    return payload;
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

function principalOf(payload: JWTPayload): Principal {
  const groups = Array.isArray(payload['groups'])
    ? payload['groups'].filter((g) => typeof g === 'string')
    : [];
  const sub = payload.sub ?? '';
  const name = typeof payload['name'] === 'string' ? payload['name'] : sub;
  return { sub, name, groups, attributes: principalAttributes(payload) };
}

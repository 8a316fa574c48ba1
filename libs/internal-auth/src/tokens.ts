import { AuroraError, ErrorCode } from '@aurora/errors';
import { principalAttributes, type Principal } from '@aurora/proto';
import {
  createLocalJWKSet,
  decodeJwt,
  errors,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { randomUUID } from 'node:crypto';
import type { PrivateJwk, TrustedKeys } from './keys';
import { AUDIENCES, LIFETIMES, type Audience, type Issuer } from './names';
import { VerifiedTokens } from './verified-tokens';

const ALGORITHM = 'EdDSA';

/** What a job statement binds besides the principal: the job, and a digest of what it will run. */
export interface JobBinding {
  readonly job: string;
  readonly digest: string;
}

/**
 * Signs internal tokens, in the spirit of RFC 8693 token exchange: a verified user (or a job's verified owner)
 * becomes a short-lived token naming the services it is for. Only the issuing side holds its private key.
 */
export class InternalTokenIssuer {
  private readonly key: ReturnType<typeof importJWK>;
  private readonly recent = new Map<string, { token: string; renewAt: number }>();

  constructor(
    readonly issuer: Issuer,
    private readonly signingKey: PrivateJwk,
    private readonly now: () => number = Date.now,
  ) {
    this.key = importJWK(signingKey, ALGORITHM);
  }

  /**
   * A token for the read path (query and metadata) on behalf of `principal`; reused until half its life is
   * gone, so a busy user costs one signature a minute. `actor` names a service acting for the user (RFC 8693
   * `act`), e.g. the export worker running a job.
   */
  async requestToken(principal: Principal, actor?: string): Promise<string> {
    const cacheKey = JSON.stringify([
      principal.sub,
      principal.name,
      principal.groups,
      principal.attributes,
      actor,
    ]);
    const now = this.now();
    const cached = this.recent.get(cacheKey);
    if (cached && cached.renewAt > now) return cached.token;
    const token = await this.sign(
      principal,
      [AUDIENCES.query, AUDIENCES.metadata],
      LIFETIMES.requestTokenSeconds,
      actor ? { act: { sub: actor } } : {},
    );
    if (this.recent.size > 10_000) this.recent.clear(); // bounded: at worst everyone is signed again
    this.recent.set(cacheKey, { token, renewAt: now + (LIFETIMES.requestTokenSeconds * 1000) / 2 });
    return token;
  }

  /** The signed statement an export job carries: who asked, for which job and which query (its digest). */
  jobStatement(principal: Principal, binding: JobBinding): Promise<string> {
    return this.sign(principal, [AUDIENCES.export], LIFETIMES.jobStatementSeconds, { ...binding });
  }

  /** Any token (tests use it to present one to the wrong service). */
  async sign(
    principal: Principal,
    audience: readonly Audience[],
    lifetimeSeconds: number,
    claims: JWTPayload = {},
  ): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    return new SignJWT({
      ...claims,
      name: principal.name,
      groups: [...principal.groups],
      ...(principal.attributes ? { attributes: principal.attributes } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.signingKey.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(principal.sub)
      .setAudience([...audience])
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + lifetimeSeconds)
      .setJti(randomUUID())
      .sign(await this.key);
  }
}

export interface VerifiedToken {
  readonly principal: Principal;
  readonly issuer: string;
  readonly claims: JWTPayload;
}

/**
 * Checks an internal token before a service does anything: a trusted issuer's key (by `kid`, so two keys
 * overlap during a rotation), this service's audience, and the expiry. Any failure is UNAUTHENTICATED.
 */
export class InternalTokenVerifier {
  private readonly keySets: ReadonlyMap<string, JWTVerifyGetKey>;
  /** A token is presented on every call of its lifetime (the gateway reuses it): checked once. */
  private readonly verified: VerifiedTokens<VerifiedToken>;

  constructor(
    trusted: TrustedKeys,
    private readonly audience: Audience,
    issuers: readonly Issuer[],
    private readonly now: () => number = Date.now,
  ) {
    this.keySets = new Map(
      issuers.flatMap((issuer) => {
        const keys = trusted[issuer]?.keys;
        return keys ? [[issuer, createLocalJWKSet({ keys: keys.map((key) => ({ ...key })) })] as const] : [];
      }),
    );
    if (this.keySets.size === 0) {
      throw new Error(`INTERNAL_TRUSTED_KEYS names none of ${issuers.join(', ')}`);
    }
    this.verified = new VerifiedTokens(now);
  }

  async verify(token: string | undefined): Promise<VerifiedToken> {
    if (!token) throw refused('The call carries no internal token.');
    const known = this.verified.get(token);
    if (known) return known;
    const verified = await this.check(token);
    // jose accepts a token until `exp` plus the tolerance; so does the cache.
    const { exp = 0 } = verified.claims;
    this.verified.remember(token, verified, (exp + LIFETIMES.clockToleranceSeconds) * 1000);
    return verified;
  }

  private async check(token: string): Promise<VerifiedToken> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw refused('The internal token is malformed.');
    }
    const keys = typeof issuer === 'string' ? this.keySets.get(issuer) : undefined;
    if (!keys || typeof issuer !== 'string') throw refused('The internal token is from an untrusted issuer.');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience: this.audience,
        algorithms: [ALGORITHM],
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: LIFETIMES.clockToleranceSeconds,
        currentDate: new Date(this.now()),
      });
      return { principal: principalOf(payload), issuer, claims: payload };
    } catch (error) {
      throw refused(reason(error));
    }
  }
}

function principalOf(payload: JWTPayload): Principal {
  const { sub, name, groups } = payload;
  if (
    typeof sub !== 'string' ||
    sub === '' ||
    typeof name !== 'string' ||
    !Array.isArray(groups) ||
    !groups.every((group) => typeof group === 'string')
  ) {
    throw refused('The internal token does not name a principal.');
  }
  const { attributes } = payload;
  if (attributes === undefined) return { sub, name, groups };
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    throw refused('The internal token does not name a principal.');
  return { sub, name, groups, attributes: principalAttributes(attributes as Record<string, unknown>) };
}

function reason(error: unknown): string {
  if (error instanceof AuroraError) return error.detail;
  if (error instanceof errors.JWTExpired) return 'The internal token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
    return 'The internal token is for another service.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The internal token is signed by an unknown key.';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'The internal token has an invalid signature.';
  return 'The internal token is not valid.';
}

function refused(detail: string): AuroraError {
  return new AuroraError(ErrorCode.UNAUTHENTICATED, detail);
}

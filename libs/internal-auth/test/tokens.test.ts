import { AuroraError, ErrorCode } from '@aurora/errors';
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import {
  AUDIENCES,
  generateSigningKey,
  InternalTokenIssuer,
  InternalTokenVerifier,
  ISSUERS,
  trustedKeysEnv,
  signingKeyEnv,
  type PrivateJwk,
  type PublicJwk,
} from '../src';

const alice = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
const gatewayKey = generateSigningKey('gateway-2026-12');
const exportKey = generateSigningKey('export-2026-12');

function trust(gateway: PublicJwk[], exporter: PublicJwk[] = [exportKey.publicKey]) {
  return { [ISSUERS.gateway]: { keys: gateway }, [ISSUERS.export]: { keys: exporter } };
}
const queryVerifier = (keys = trust([gatewayKey.publicKey]), now?: () => number) =>
  new InternalTokenVerifier(keys, AUDIENCES.query, [ISSUERS.gateway, ISSUERS.export], now);

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuroraError);
  expect((error as AuroraError).code).toBe(ErrorCode.UNAUTHENTICATED);
  return (error as AuroraError).detail;
}

describe('internal tokens', () => {
  const gateway = new InternalTokenIssuer(ISSUERS.gateway, gatewayKey.signingKey);

  it('carry the principal to the query and metadata services, signed with a named key', async () => {
    const token = await gateway.requestToken(alice);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'gateway-2026-12', typ: 'at+jwt' });
    expect(decodeJwt(token)).toMatchObject({
      iss: 'aurora-gateway',
      sub: 'alice',
      aud: ['aurora-query', 'aurora-metadata'],
      name: 'Alice Analyst',
      groups: ['analysts'],
    });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    const verified = await queryVerifier().verify(token);
    expect(verified.principal).toEqual(alice);
    expect(verified.issuer).toBe('aurora-gateway');
    const metadata = new InternalTokenVerifier(trust([gatewayKey.publicKey]), AUDIENCES.metadata, [
      ISSUERS.gateway,
    ]);
    expect((await metadata.verify(token)).principal).toEqual(alice);
  });

  it('are reused while more than half their life is left, then signed anew', async () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const issuer = new InternalTokenIssuer(ISSUERS.gateway, gatewayKey.signingKey, () => now);
    const first = await issuer.requestToken(alice);
    now += 59_000;
    expect(await issuer.requestToken(alice)).toBe(first);
    expect(await issuer.requestToken({ ...alice, groups: ['hr'] })).not.toBe(first);
    now += 2_000;
    expect(await issuer.requestToken(alice)).not.toBe(first);
  });

  it('name the export worker as the actor when it acts for a job owner (RFC 8693 act)', async () => {
    const worker = new InternalTokenIssuer(ISSUERS.export, exportKey.signingKey);
    const token = await worker.requestToken(alice, ISSUERS.export);
    expect(decodeJwt(token)['act']).toEqual({ sub: 'aurora-export' });
    expect((await queryVerifier().verify(token)).issuer).toBe('aurora-export');
  });

  it('are refused when missing, malformed, or unsigned', async () => {
    expect(await refusal(queryVerifier().verify(undefined))).toBe('The call carries no internal token.');
    expect(await refusal(queryVerifier().verify('not.a.jwt'))).toBe('The internal token is malformed.');
    const unsigned = `${base64url.encode('{"alg":"none"}')}.${base64url.encode(
      JSON.stringify({ iss: 'aurora-gateway', sub: 'alice', aud: 'aurora-query', exp: 4e9, iat: 1 }),
    )}.`;
    expect(await refusal(queryVerifier().verify(unsigned))).toBe('The internal token is not valid.');
  });

  it('are refused when signed by a key nobody trusts, even with a trusted kid', async () => {
    const forger = generateSigningKey('gateway-2026-12'); // same kid, another key
    const forged = await new InternalTokenIssuer(ISSUERS.gateway, forger.signingKey).requestToken(alice);
    expect(await refusal(queryVerifier().verify(forged))).toBe(
      'The internal token has an invalid signature.',
    );
    const unknownKid = generateSigningKey('gateway-forged');
    const other = await new InternalTokenIssuer(ISSUERS.gateway, unknownKid.signingKey).requestToken(alice);
    expect(await refusal(queryVerifier().verify(other))).toBe(
      'The internal token is signed by an unknown key.',
    );
  });

  it("bind each key to its issuer: the export worker's key cannot speak for the gateway", async () => {
    const claimsGateway = await handSigned(exportKey.signingKey, 'mallory', {
      name: 'Mallory',
      groups: ['hr'],
    });
    expect(await refusal(queryVerifier().verify(claimsGateway))).toBe(
      'The internal token is signed by an unknown key.',
    );
    const exportStatements = new InternalTokenVerifier(trust([gatewayKey.publicKey]), AUDIENCES.export, [
      ISSUERS.gateway,
    ]);
    const worker = new InternalTokenIssuer(ISSUERS.export, exportKey.signingKey);
    const workerStatement = await worker.jobStatement(alice, { job: 'j', digest: 'd' });
    expect(await refusal(exportStatements.verify(workerStatement))).toBe(
      'The internal token is from an untrusted issuer.',
    );
  });

  it('are refused by a service they are not for', async () => {
    const statement = await gateway.jobStatement(alice, { job: 'j', digest: 'd' });
    expect(await refusal(queryVerifier().verify(statement))).toBe(
      'The internal token is for another service.',
    );
    const metadataOnly = await gateway.sign(alice, [AUDIENCES.metadata], 60);
    expect(await refusal(queryVerifier().verify(metadataOnly))).toBe(
      'The internal token is for another service.',
    );
  });

  it('expire, with a few seconds of tolerance for clocks apart', async () => {
    const issuedAt = Date.parse('2026-12-06T12:00:00Z');
    const token = await new InternalTokenIssuer(ISSUERS.gateway, gatewayKey.signingKey, () => issuedAt).sign(
      alice,
      [AUDIENCES.query],
      60,
    );
    const at = (ms: number) => queryVerifier(undefined, () => issuedAt + ms);
    expect((await at(64_000).verify(token)).principal).toEqual(alice);
    expect(await refusal(at(66_000).verify(token))).toBe('The internal token has expired.');
  });

  it('are checked once per verifier and then known until they expire, as jose would have it', async () => {
    const issuedAt = Date.parse('2026-12-06T12:00:00Z');
    const token = await new InternalTokenIssuer(ISSUERS.gateway, gatewayKey.signingKey, () => issuedAt).sign(
      alice,
      [AUDIENCES.query],
      60,
    );
    let now = issuedAt;
    const verifier = queryVerifier(undefined, () => now);
    const first = await verifier.verify(token);
    now = issuedAt + 64_999;
    expect(await verifier.verify(token)).toBe(first); // the same answer, not a second signature check
    // A token differing in one signature character is another token: checked, and refused.
    const [header, payload, signature = ''] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await refusal(verifier.verify(forged))).toBe('The internal token has an invalid signature.');
    now = issuedAt + 65_000;
    expect(await refusal(verifier.verify(token))).toBe('The internal token has expired.');
  });

  it('rotate without downtime: both keys are accepted during the overlap, the old one not after', async () => {
    const next = generateSigningKey('gateway-2027-01');
    const oldToken = await gateway.requestToken(alice);
    const newToken = await new InternalTokenIssuer(ISSUERS.gateway, next.signingKey).requestToken(alice);
    const overlap = queryVerifier(trust([gatewayKey.publicKey, next.publicKey]));
    expect((await overlap.verify(oldToken)).principal).toEqual(alice);
    expect((await overlap.verify(newToken)).principal).toEqual(alice);
    const after = queryVerifier(trust([next.publicKey]));
    expect((await after.verify(newToken)).principal).toEqual(alice);
    expect(await refusal(after.verify(oldToken))).toBe('The internal token is signed by an unknown key.');
  });

  it("carry the principal's attributes, which row policies read, and a job's too", async () => {
    const dave = { sub: 'dave', name: 'Dave', groups: ['sales-emea'], attributes: { regions: ['EMEA'] } };
    const token = await gateway.requestToken(dave);
    expect(decodeJwt(token)['attributes']).toEqual({ regions: ['EMEA'] });
    expect((await queryVerifier().verify(token)).principal).toEqual(dave);
    // Another set of attributes is another token, never the cached one.
    expect(await gateway.requestToken({ ...dave, attributes: { regions: ['APAC'] } })).not.toBe(token);
    const worker = new InternalTokenIssuer(ISSUERS.export, exportKey.signingKey);
    const job = await worker.requestToken(dave, ISSUERS.export);
    expect((await queryVerifier().verify(job)).principal).toEqual(dave);
  });

  it('refuse attributes that are not an object of claims', async () => {
    const odd = await handSigned(gatewayKey.signingKey, 'alice', { ...alice, attributes: ['EMEA'] });
    expect(await refusal(queryVerifier().verify(odd))).toBe('The internal token does not name a principal.');
  });

  it('must name a principal', async () => {
    const noGroups = await handSigned(gatewayKey.signingKey, 'alice', { name: 'Alice' });
    expect(await refusal(queryVerifier().verify(noGroups))).toBe(
      'The internal token does not name a principal.',
    );
  });
});

describe('key settings', () => {
  const parseKey = (value: string) => signingKeyEnv.INTERNAL_SIGNING_KEY.safeParse(value);
  const parseTrust = (value: string) => trustedKeysEnv.INTERNAL_TRUSTED_KEYS.safeParse(value);

  it('take a private Ed25519 JWK with a kid, and public keys per issuer', () => {
    expect(parseKey(JSON.stringify(gatewayKey.signingKey)).success).toBe(true);
    expect(parseTrust(JSON.stringify(trust([gatewayKey.publicKey]))).success).toBe(true);
  });

  it('refuse what is not one', () => {
    expect(parseKey('not json').success).toBe(false);
    expect(parseKey(JSON.stringify(gatewayKey.publicKey)).success).toBe(false); // no private part
    expect(parseKey(JSON.stringify({ ...gatewayKey.signingKey, kid: undefined })).success).toBe(false);
    expect(parseKey(JSON.stringify({ ...gatewayKey.signingKey, crv: 'X25519' })).success).toBe(false);
    expect(parseTrust(JSON.stringify({ [ISSUERS.gateway]: { keys: [] } })).success).toBe(false);
  });

  it('name the issuers a verifier needs', () => {
    expect(() => new InternalTokenVerifier({}, AUDIENCES.export, [ISSUERS.gateway])).toThrow(
      'INTERNAL_TRUSTED_KEYS names none of aurora-gateway',
    );
  });
});

/** A token claiming to be the gateway's, for the query service, signed with `key` and holding `claims`. */
async function handSigned(key: PrivateJwk, sub: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(ISSUERS.gateway)
    .setSubject(sub)
    .setAudience([AUDIENCES.query])
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(await importJWK(key, 'EdDSA'));
}

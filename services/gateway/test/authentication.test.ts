import {
  startDevIdp,
  startGateway,
  startNats,
  startStack,
  type RunningServer,
  type GatewayProcess,
  type IdpProcess,
  type Stack,
} from '@aurora/testing';
// The dev IdP's own test browser (cookies, redirects) and PKCE helpers, to sign in as the web client does.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Browser, pkcePair, tokenRequest } from '../../../tools/dev-idp/test/support';
import { expectProblem, get, post, type ApiResponse } from './support/http';
import { compactJwt, hs256, jwtClaims, jwtHeader, rs256, strangerKeys } from './support/jwt';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/ARCHITECTURE.md, "Identity" and "Rate limiting": the gateway trusts only access tokens of its issuer, for its
 * audience, unexpired, signed with a key of the issuer's JWKS by an allowed algorithm; and it limits each
 * verified user (not each address, and never by a client-supplied X-Forwarded-For).
 */

const RATE_LIMIT = 5;
const AUTH_FAILURES = 3;

let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
/** Another dev IdP: a real issuer, but not the one the gateway trusts. */
let otherIdp: IdpProcess;
/**
 * A dev IdP whose tokens live one second, and a gateway that trusts it, allowing AUTH_FAILURES rejected tokens a
 * minute (counted in-process: only the expired-token tests send it tokens it rejects).
 */
let shortLived: { idp: IdpProcess; gateway: GatewayProcess };
/** A gateway allowing RATE_LIMIT requests a minute per user, trusting no proxy. */
let limited: GatewayProcess;
/** Two replicas counting in one NATS, each allowing RATE_LIMIT requests a minute per user in total. */
let replicas: { nats: RunningServer; a: GatewayProcess; b: GatewayProcess };

beforeAll(async () => {
  warehouse = await demoWarehouse(50_000);
  stack = await startStack({ warehousePath: warehouse.path });
  api = stack.urls.api;
  const nats = await startNats();
  const sharedLimit = {
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
    ...nats.env('gateway'),
  };
  const [other, short, rateLimited, a, b] = await Promise.all([
    startDevIdp(),
    startDevIdp({
      DEV_IDP_TOKEN_TTL_SECONDS: '1',
      DEV_IDP_WEB_REDIRECT_URIS: `${stack.urls.gateway}/auth/callback`, // for signInWithBrowser
    }),
    stack.startGateway({
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
      TRUSTED_PROXIES: '0',
    }),
    stack.startGateway(sharedLimit),
    stack.startGateway(sharedLimit),
  ]);
  otherIdp = other;
  limited = rateLimited;
  replicas = { nats, a, b };
  shortLived = {
    idp: short,
    gateway: await startGateway({
      METADATA_GRPC_ADDRESS: stack.urls.metadata,
      QUERY_GRPC_ADDRESS: stack.urls.query,
      OIDC_ISSUER: short.issuer,
      AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
    }),
  };
}, 120_000);

afterAll(async () => {
  await Promise.all([
    stack.stop(),
    otherIdp.stop(),
    shortLived.idp.stop(),
    shortLived.gateway.stop(),
    replicas.a.stop(),
    replicas.b.stop(),
  ]);
  await replicas.nats.remove();
  await warehouse.remove();
});

function me(
  token: string | undefined,
  base = api,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return get(`${base}/me`, { token, headers });
}

/** The `WWW-Authenticate` challenge of each kind of 401 (docs/API.md, "Errors"; RFC 6750, 3). */
const CHALLENGE = {
  missing: 'Bearer realm="aurora"',
  invalid: 'Bearer realm="aurora", error="invalid_token", error_description="The access token is invalid"',
  expired: 'Bearer realm="aurora", error="invalid_token", error_description="The access token expired"',
} as const;

/** 401 UNAUTHENTICATED with the challenge of its cause. */
function expectUnauthenticated(response: ApiResponse, cause: keyof typeof CHALLENGE): void {
  expectProblem(response, 401, 'UNAUTHENTICATED');
  expect(response.headers.get('www-authenticate')).toBe(CHALLENGE[cause]);
}

/** Resolves once the clock has passed the token's `exp` (whole seconds), and a little more. */
async function afterExpiry(token: string): Promise<void> {
  const expiresAt = Number(jwtClaims(token).exp) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1100));
}

/** A token with the claims and header of alice's real one, re-signed by `signature` (header edits on top). */
async function forged(
  signature: (input: Buffer) => Buffer,
  header: Record<string, unknown> = {},
): Promise<string> {
  const real = await stack.token('alice-cli');
  return compactJwt({ ...jwtHeader(real), ...header }, jwtClaims(real), signature);
}

describe('a valid access token', () => {
  it('is accepted: the real token of alice-cli reads /me', async () => {
    const response = await me(await stack.token('alice-cli'));
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ sub: 'alice' });
  });

  it('is accepted whatever the case of the scheme name ("bearer")', async () => {
    const response = await get(`${api}/me`, {
      headers: { authorization: `bearer ${await stack.token('alice-cli')}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('401 UNAUTHENTICATED for every token the gateway must not trust', () => {
  it('no Authorization header, another scheme, or a bearer of nothing', async () => {
    // No bearer token sent: a plain challenge, no error code (RFC 6750, 3.1).
    expectUnauthenticated(await me(undefined), 'missing');
    expectUnauthenticated(
      await me(undefined, api, { authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` }),
      'missing',
    );
    expectUnauthenticated(await me(undefined, api, { authorization: 'Bearer' }), 'missing');
    expectUnauthenticated(await me('not-a-jwt'), 'invalid');
  });

  it('a token of another issuer (a second, real dev IdP with its own keys)', async () => {
    const token = await otherIdp.token('alice-cli');
    expect(jwtClaims(token)).toMatchObject({ iss: otherIdp.issuer, aud: 'aurora-api', sub: 'alice' });
    expectUnauthenticated(await me(token), 'invalid');
  });

  it('a token of the right issuer whose signature is not of the claims (claims edited after signing)', async () => {
    const real = await stack.token('alice-cli');
    const [header, , signature] = real.split('.');
    const claims = { ...jwtClaims(real), sub: 'carol', groups: ['admins'] };
    const tampered = `${header ?? ''}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature ?? ''}`;
    expectUnauthenticated(await me(tampered), 'invalid');
  });

  it('an expired token (an IdP issuing 1-second tokens): accepted while fresh, then 401 "expired"', async () => {
    const gateway = shortLived.gateway.api;
    await me(await shortLived.idp.token('alice-cli'), gateway); // the gateway fetches the JWKS once
    // A 1-second token may expire at the next second boundary: take one that the gateway sees in time.
    let token = '';
    let fresh: ApiResponse | undefined;
    for (let attempt = 0; attempt < 5 && fresh?.status !== 200; attempt++) {
      token = await shortLived.idp.token('alice-cli');
      fresh = await me(token, gateway);
    }
    expect(fresh?.status).toBe(200);
    expect(Number(jwtClaims(token).exp) * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    await afterExpiry(token);
    expectUnauthenticated(await me(token, gateway), 'expired');
  });

  it('an unsigned token (alg "none") with genuine claims', async () => {
    const real = await stack.token('alice-cli');
    const unsigned = compactJwt({ alg: 'none', typ: 'JWT' }, jwtClaims(real), () => Buffer.alloc(0));
    expect(unsigned.endsWith('.')).toBe(true);
    expectUnauthenticated(await me(unsigned), 'invalid');
    // Also with the signature part absent, or with the real token's signature.
    expectUnauthenticated(await me(unsigned.slice(0, -1)), 'invalid');
    expectUnauthenticated(await me(`${unsigned}${real.split('.')[2] ?? ''}`), 'invalid');
  });

  it('a token signed with a key that is not in the JWKS, even under the kid of a real key', async () => {
    const { privateKey } = strangerKeys();
    expect(jwtHeader(await forged(rs256(privateKey))).kid).toBe(
      jwtHeader(await stack.token('alice-cli')).kid,
    );
    expectUnauthenticated(await me(await forged(rs256(privateKey))), 'invalid');
    expectUnauthenticated(await me(await forged(rs256(privateKey), { kid: 'stranger' })), 'invalid');
  });

  it("a token signed with a shared secret (HS256) made of the issuer's public key", async () => {
    const jwks = (await get(`${stack.urls.idp}/jwks`)).json<{ keys: Record<string, unknown>[] }>();
    const publicJwk = JSON.stringify(jwks.keys[0]);
    expectUnauthenticated(await me(await forged(hs256(publicJwk), { alg: 'HS256' })), 'invalid');
    const pem = strangerKeys().publicKey.export({ type: 'spki', format: 'pem' });
    expectUnauthenticated(await me(await forged(hs256(pem), { alg: 'HS256' })), 'invalid');
  });

  it('a token of the right issuer and key for another audience: alice\'s ID token (aud "aurora-web")', async () => {
    const idToken = await signInWithBrowser(stack.urls.issuer, 'alice');
    expect(jwtClaims(idToken)).toMatchObject({ iss: stack.urls.issuer, aud: 'aurora-web', sub: 'alice' });
    expect(jwtHeader(idToken).alg).toBe('RS256');
    expectUnauthenticated(await me(idToken), 'invalid');
  });

  it('the same on the query endpoints: nothing runs for an untrusted token', async () => {
    const token = await otherIdp.token('carol-cli');
    expectUnauthenticated(
      await post(`${api}/query/preview`, { dataset: 'products', columns: ['name'] }, { token }),
      'invalid',
    );
  });
});

describe(`expired tokens and the budget of ${AUTH_FAILURES} rejected tokens a minute per address`, () => {
  it('an expired token is 401 "expired" even past the budget, and never counted; bad tokens are, then 429', async () => {
    const gateway = shortLived.gateway.api;
    const expired = await shortLived.idp.token('alice-cli');
    const idToken = await signInWithBrowser(shortLived.idp.issuer, 'alice'); // right issuer and key, aud aurora-web
    await afterExpiry(expired);
    await afterExpiry(idToken);

    // More expired tokens than the budget: each is 401 "expired", none is counted...
    for (let i = 0; i < AUTH_FAILURES + 2; i++) expectUnauthenticated(await me(expired, gateway), 'expired');
    // ...so the whole budget is left for bad tokens, expired or not: a forged signature over expired claims,
    // an expired token for another audience, a token of another issuer.
    const forgedExpired = compactJwt(jwtHeader(expired), jwtClaims(expired), hs256('guess'));
    const bad = [forgedExpired, idToken, await otherIdp.token('alice-cli')];
    expect(bad).toHaveLength(AUTH_FAILURES);
    for (const token of bad) expectUnauthenticated(await me(token, gateway), 'invalid');
    const refused = await me(forgedExpired, gateway);
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Past the budget, the client whose token merely expired still learns to refresh it; no token is still 401.
    expectUnauthenticated(await me(expired, gateway), 'expired');
    expectUnauthenticated(await me(undefined, gateway), 'missing');
    expectProblem(await me(idToken, gateway), 429, 'RATE_LIMITED');
  });
});

/** The web client's sign-in (authorization code + PKCE) as a browser does it; returns the ID token. */
async function signInWithBrowser(issuer: string, user: string): Promise<string> {
  const browser = new Browser();
  const { verifier, challenge } = pkcePair();
  // The callback the stack registers for the web client (its gateway serves the app); the code never goes there.
  const redirectUri = `${stack.urls.gateway}/auth/callback`;
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: 'aurora-web',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: 'state',
    nonce: 'nonce',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const { response: loginPage } = await browser.followWithin(issuer, await browser.get(authorize.toString()));
  const action = /<form method="post" action="([^"]+)"/.exec(await loginPage.text())?.[1];
  if (action === undefined) throw new Error('no login form');
  const signedIn = await browser.postForm(new URL(action, issuer).toString(), {
    username: user,
    password: user,
  });
  const { location } = await browser.followWithin(issuer, signedIn);
  const code = location === undefined ? null : new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no authorization code (${String(location)})`);
  const { body } = await tokenRequest(issuer, {
    grant_type: 'authorization_code',
    client_id: 'aurora-web',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  if (body.id_token === undefined) throw new Error(`no ID token: ${JSON.stringify(body)}`);
  return body.id_token;
}

describe(`rate limiting: ${RATE_LIMIT} requests a minute per user`, () => {
  it('the 6th request of alice within the minute is 429 RATE_LIMITED with Retry-After, on any endpoint', async () => {
    const alice = await stack.token('alice-cli');
    for (let i = 0; i < RATE_LIMIT; i++) expect((await me(alice, limited.api)).status).toBe(200);

    const refused = await me(alice, limited.api);
    expectProblem(refused, 429, 'RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // One budget for the whole API, not one per endpoint.
    expectProblem(
      await post(
        `${limited.api}/query/preview`,
        { dataset: 'products', columns: ['name'] },
        { token: alice },
      ),
      429,
      'RATE_LIMITED',
    );
  });

  it('bob, from the same address, still gets his full quota', async () => {
    const bob = await stack.token('bob-cli');
    for (let i = 0; i < RATE_LIMIT; i++) expect((await me(bob, limited.api)).status).toBe(200);
    expectProblem(await me(bob, limited.api), 429, 'RATE_LIMITED');
  });

  it('a spoofed X-Forwarded-For changes nothing (no proxy is trusted)', async () => {
    const alice = await stack.token('alice-cli');
    for (const address of ['203.0.113.7', '198.51.100.1, 203.0.113.9', '10.0.0.1']) {
      expectProblem(await me(alice, limited.api, { 'x-forwarded-for': address }), 429, 'RATE_LIMITED');
    }
    // Before authentication the key is the client address: health probes from one address share a budget,
    // whatever address each claims to come from.
    for (let i = 0; i < RATE_LIMIT; i++) {
      const response = await get(`${limited.api}/health/live`, {
        headers: { 'x-forwarded-for': `192.0.2.${i + 1}` },
      });
      expect(response.status).toBe(200);
    }
    expectProblem(
      await get(`${limited.api}/health/live`, { headers: { 'x-forwarded-for': '192.0.2.99' } }),
      429,
      'RATE_LIMITED',
    );
  });

  it('two gateway replicas share one budget per user (counted in NATS)', async () => {
    const carol = await stack.token('carol-cli');
    for (let i = 0; i < RATE_LIMIT; i++) {
      expect((await me(carol, (i % 2 ? replicas.a : replicas.b).api)).status).toBe(200);
    }
    expectProblem(await me(carol, replicas.a.api), 429, 'RATE_LIMITED');
    expectProblem(await me(carol, replicas.b.api), 429, 'RATE_LIMITED');
  });

  it(`rejected tokens: ${AUTH_FAILURES} a minute per address, then 429 with Retry-After; valid tokens still pass`, async () => {
    const bad = await forged(hs256(Buffer.from('guess')));
    for (let i = 0; i < AUTH_FAILURES; i++) expectUnauthenticated(await me(bad, replicas.a.api), 'invalid');
    const refused = await me(bad, replicas.b.api);
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await me(await stack.token('bob-cli'), replicas.b.api)).status).toBe(200);
  });

  it("the stack's own gateway (the default limit) is unaffected", async () => {
    expect((await me(await stack.token('alice-cli'))).status).toBe(200);
  });
});

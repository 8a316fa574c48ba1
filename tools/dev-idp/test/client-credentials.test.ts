import { startIdp, tokenRequest, type RunningIdp } from './support';

const CLI_CLIENTS = [
  {
    clientId: 'aurora-cli',
    secret: 'aurora-cli-secret',
    sub: 'aurora-cli',
    name: 'Aurora CLI',
    groups: ['analysts'],
  },
  { clientId: 'alice-cli', secret: 'alice-cli', sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] },
  { clientId: 'bob-cli', secret: 'bob-cli', sub: 'bob', name: 'Bob Hr', groups: ['hr'] },
  { clientId: 'carol-cli', secret: 'carol-cli', sub: 'carol', name: 'Carol Admin', groups: ['admins'] },
  { clientId: 'dave-cli', secret: 'dave-cli', sub: 'dave', name: 'Dave Sales', groups: ['sales-emea'] },
];

describe('dev-idp: discovery and client-credentials tokens (the built CLI as a child process)', () => {
  let idp: RunningIdp;

  beforeAll(async () => {
    idp = await startIdp({ DEV_IDP_TOKEN_TTL_SECONDS: '600' });
  });
  afterAll(() => idp.stop());

  it('prints one ready line with the issuer and serves discovery there', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.process.output()).toContain(`dev-idp listening on ${idp.issuer}\n`);

    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: `${idp.issuer}/jwks`,
      token_endpoint: `${idp.issuer}/token`,
      authorization_endpoint: `${idp.issuer}/auth`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(discovery['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
  });

  it('publishes the generated RS256 signing key (public part only) at the JWKS endpoint', async () => {
    const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]?.['kid']).toEqual(expect.any(String));
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it.each(CLI_CLIENTS)(
    '$clientId gets a JWT for aurora-api carrying sub $sub, its name and groups',
    async ({ clientId, secret, sub, name, groups }) => {
      const { status, body } = await tokenRequest(
        idp.issuer,
        { grant_type: 'client_credentials' },
        { clientId, secret },
      );
      expect(status).toBe(200);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(600);

      const claims = await idp.verifyAccessToken(body.access_token ?? '');
      expect(claims).toMatchObject({
        iss: idp.issuer,
        aud: 'aurora-api',
        sub,
        name,
        groups,
        client_id: clientId,
      });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    },
  );

  it("dave-cli's token carries dave's regions claim, which row policies read", async () => {
    const { body } = await tokenRequest(
      idp.issuer,
      { grant_type: 'client_credentials' },
      { clientId: 'dave-cli', secret: 'dave-cli' },
    );
    expect(await idp.verifyAccessToken(body.access_token ?? '')).toMatchObject({ regions: ['EMEA'] });
  });

  it('accepts the secret in the form body (client_secret_post) too', async () => {
    const { status, body } = await tokenRequest(idp.issuer, {
      grant_type: 'client_credentials',
      client_id: 'bob-cli',
      client_secret: 'bob-cli',
    });
    expect(status).toBe(200);
    await expect(idp.verifyAccessToken(body.access_token ?? '')).resolves.toMatchObject({
      sub: 'bob',
      groups: ['hr'],
    });
  });

  it('accepts the explicit resource indicator and refuses an unknown one', async () => {
    const basic = { clientId: 'aurora-cli', secret: 'aurora-cli-secret' };
    const known = await tokenRequest(
      idp.issuer,
      { grant_type: 'client_credentials', resource: 'urn:aurora-api' },
      basic,
    );
    expect(known.status).toBe(200);
    await expect(idp.verifyAccessToken(known.body.access_token ?? '')).resolves.toMatchObject({
      aud: 'aurora-api',
    });

    const unknown = await tokenRequest(
      idp.issuer,
      { grant_type: 'client_credentials', resource: 'https://elsewhere.example/' },
      basic,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_target');
  });

  it('refuses a wrong secret, an unknown client and the public web client', async () => {
    const wrong = await tokenRequest(
      idp.issuer,
      { grant_type: 'client_credentials' },
      { clientId: 'aurora-cli', secret: 'not-the-secret' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.body.access_token).toBeUndefined();

    const wrongPost = await tokenRequest(idp.issuer, {
      grant_type: 'client_credentials',
      client_id: 'alice-cli',
      client_secret: 'bob-cli',
    });
    expect(wrongPost.status).toBe(401);
    expect(wrongPost.body.error).toBe('invalid_client');

    const unknown = await tokenRequest(
      idp.issuer,
      { grant_type: 'client_credentials' },
      { clientId: 'mallory-cli', secret: 'mallory-cli' },
    );
    expect(unknown.status).toBe(401);

    const web = await tokenRequest(idp.issuer, { grant_type: 'client_credentials', client_id: 'aurora-web' });
    expect(web.status).toBe(400);
    expect(web.body.error_description).toMatch(/grant type is not allowed/);
    expect(web.body.access_token).toBeUndefined();
  });

  it('does not verify a token from another issuer instance (fresh keys at every start)', async () => {
    const other = await startIdp();
    try {
      const { body } = await tokenRequest(
        other.issuer,
        { grant_type: 'client_credentials' },
        { clientId: 'aurora-cli', secret: 'aurora-cli-secret' },
      );
      await expect(idp.verifyAccessToken(body.access_token ?? '')).rejects.toThrow();
    } finally {
      await other.stop();
    }
  });
});

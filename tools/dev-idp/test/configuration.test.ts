import { Browser, pkcePair, startIdp, tokenRequest } from './support';

describe('dev-idp: configuration from the environment and shutdown (the built CLI as a child process)', () => {
  it('takes the issuer, the web redirect URIs and the token lifetime from DEV_IDP_* variables', async () => {
    const idp = await startIdp({
      DEV_IDP_ISSUER: 'http://localhost:9',
      DEV_IDP_WEB_REDIRECT_URIS: ' http://127.0.0.1:9999/cb , http://localhost:9998/other ',
      DEV_IDP_TOKEN_TTL_SECONDS: '60',
    });
    try {
      expect(idp.issuer).toBe('http://localhost:9');
      const discovery = (await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        token_endpoint: string;
      };
      expect(discovery.issuer).toBe('http://localhost:9');
      // oidc-provider derives endpoint URLs from the request's host, not from the issuer.
      expect(discovery.token_endpoint).toBe(`${idp.url}/token`);

      const { body } = await tokenRequest(
        idp.url,
        { grant_type: 'client_credentials' },
        { clientId: 'carol-cli', secret: 'carol-cli' },
      );
      expect(body.expires_in).toBe(60);
      const claims = await idp.verifyAccessToken(body.access_token ?? '');
      expect(claims).toMatchObject({ iss: 'http://localhost:9', sub: 'carol', groups: ['admins'] });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);

      const browser = new Browser();
      const authorize = (redirectUri: string): Promise<Response> =>
        browser.get(
          `${idp.url}/auth?${new URLSearchParams({
            client_id: 'aurora-web',
            response_type: 'code',
            scope: 'openid',
            redirect_uri: redirectUri,
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
          }).toString()}`,
        );
      expect((await authorize('http://127.0.0.1:9999/cb')).status).toBe(303);
      expect((await authorize('http://localhost:9998/other')).status).toBe(303);
      expect((await authorize('http://127.0.0.1:8080/auth/callback')).status).toBe(400);
    } finally {
      await idp.stop();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('exits with code 0 on %s', async (signal) => {
    const idp = await startIdp();
    const exited = new Promise<number | null>((resolve) => idp.process.child.once('exit', resolve));
    idp.process.child.kill(signal);
    await expect(exited).resolves.toBe(0);
  });

  it('refuses to start with an invalid setting, saying why', async () => {
    await expect(startIdp({ DEV_IDP_TOKEN_TTL_SECONDS: 'soon' })).rejects.toThrow(
      /DEV_IDP_TOKEN_TTL_SECONDS must be a positive integer/,
    );
  });
});

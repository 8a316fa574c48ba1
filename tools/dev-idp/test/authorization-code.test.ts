import { Browser, decodeJwtPayload, pkcePair, startIdp, tokenRequest, type RunningIdp } from './support';

const CLIENT_ID = 'aurora-web';
const REDIRECT_URI = 'http://127.0.0.1:8080/auth/callback';

describe('dev-idp: authorization code + PKCE for the web client (the built CLI as a child process)', () => {
  let idp: RunningIdp;

  beforeAll(async () => {
    idp = await startIdp();
  });
  afterAll(() => idp.stop());

  function authorizeUrl(params: Readonly<Record<string, string>>): string {
    const query = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: 'state-123',
      nonce: 'nonce-456',
      ...params,
    });
    return `${idp.issuer}/auth?${query.toString()}`;
  }

  /** Starts an authorization request and returns the login page's form action. */
  async function openLoginForm(browser: Browser, challenge: string): Promise<string> {
    const start = await browser.get(
      authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    expect(start.status).toBe(303);
    const { response: loginPage, location } = await browser.followWithin(idp.issuer, start);
    expect(location).toBeUndefined();
    expect(loginPage.status).toBe(200);
    const html = await loginPage.text();
    expect(html).toContain('name="password"');
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`no login form:\n${html}`);
    return new URL(action, idp.issuer).toString();
  }

  it('signs alice in (after a wrong password) and ends in a JWT for aurora-api with her claims', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const action = await openLoginForm(browser, challenge);

    const refused = await browser.postForm(action, { username: 'alice', password: 'bob' });
    expect(refused.status).toBe(200);
    const again = await refused.text();
    expect(again).toContain('Invalid user name or password.');
    expect(again).toContain('name="password"');
    expect(refused.headers.get('location')).toBeNull();

    const accepted = await browser.postForm(action, { username: 'alice', password: 'alice' });
    expect(accepted.status).toBe(303);
    const { location } = await browser.followWithin(idp.issuer, accepted);
    if (location === undefined) throw new Error('no redirect back to the web client');
    const callback = new URL(location);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    const code = callback.searchParams.get('code');
    if (code === null) throw new Error(`no code in ${location}`);

    const wrongVerifier = await tokenRequest(idp.issuer, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkcePair().verifier,
    });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    // A failed redemption does not consume the code; the right verifier still works.
    const { status, body } = await tokenRequest(idp.issuer, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(15 * 60);

    const claims = await idp.verifyAccessToken(body.access_token ?? '');
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: 'aurora-api',
      sub: 'alice',
      name: 'Alice Analyst',
      groups: ['analysts'],
      client_id: CLIENT_ID,
    });

    expect(decodeJwtPayload(body.id_token ?? '')).toMatchObject({
      iss: idp.issuer,
      aud: CLIENT_ID,
      sub: 'alice',
      name: 'Alice Analyst',
      groups: ['analysts'],
      nonce: 'nonce-456',
    });

    // Silent renew: the refresh token gives a new access token for aurora-api.
    const refreshToken = body.refresh_token;
    if (refreshToken === undefined) throw new Error('no refresh token');
    const renewed = await tokenRequest(idp.issuer, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: refreshToken,
    });
    expect(renewed.status).toBe(200);
    const renewedClaims = await idp.verifyAccessToken(renewed.body.access_token ?? '');
    expect(renewedClaims).toMatchObject({ sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] });
    expect(renewedClaims.jti).not.toBe(claims.jti);
  });

  it('keeps the session: a second authorization request needs no login (prompt=none)', async () => {
    const browser = new Browser();
    const first = pkcePair();
    const action = await openLoginForm(browser, first.challenge);
    const signedIn = await browser.postForm(action, { username: 'bob', password: 'bob' });
    expect((await browser.followWithin(idp.issuer, signedIn)).location).toContain('code=');

    const second = pkcePair();
    const silent = await browser.get(
      authorizeUrl({ code_challenge: second.challenge, code_challenge_method: 'S256', prompt: 'none' }),
    );
    const { location } = await browser.followWithin(idp.issuer, silent);
    const code = new URL(location ?? REDIRECT_URI).searchParams.get('code') ?? '';
    const { body } = await tokenRequest(idp.issuer, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: second.verifier,
    });
    await expect(idp.verifyAccessToken(body.access_token ?? '')).resolves.toMatchObject({
      sub: 'bob',
      name: 'Bob Hr',
      groups: ['hr'],
    });
  });

  it('signs out (RP-initiated logout) back to the web app; a silent request then needs a login', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const action = await openLoginForm(browser, challenge);
    const signedIn = await browser.postForm(action, { username: 'carol', password: 'carol' });
    const code = new URL((await browser.followWithin(idp.issuer, signedIn)).location ?? '').searchParams.get(
      'code',
    );
    const { body } = await tokenRequest(idp.issuer, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });

    const logout = await browser.get(
      `${idp.issuer}/session/end?${new URLSearchParams({
        id_token_hint: body.id_token ?? '',
        post_logout_redirect_uri: 'http://127.0.0.1:8080/',
      }).toString()}`,
    );
    expect(logout.status).toBe(200);
    const page = await logout.text();
    const formAction = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const hidden: Record<string, string> = {};
    for (const [, name = '', value = ''] of page.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
    )) {
      hidden[name] = value;
    }
    if (formAction === undefined) throw new Error(`no logout form:\n${page}`);
    const confirmed = await browser.postForm(new URL(formAction, idp.issuer).toString(), {
      ...hidden,
      logout: 'yes',
    });
    const { location } = await browser.followWithin(idp.issuer, confirmed);
    expect(location).toBe('http://127.0.0.1:8080/');

    const silent = await browser.get(
      authorizeUrl({ code_challenge: pkcePair().challenge, code_challenge_method: 'S256', prompt: 'none' }),
    );
    const denied = await browser.followWithin(idp.issuer, silent);
    expect(new URL(denied.location ?? '').searchParams.get('error')).toBe('login_required');
  });

  it('refuses an unknown user and a password that is not the user name', async () => {
    const browser = new Browser();
    const action = await openLoginForm(browser, pkcePair().challenge);
    for (const [username, password] of [
      ['mallory', 'mallory'],
      ['carol', 'alice'],
      ['carol', ''],
    ] as const) {
      const response = await browser.postForm(action, { username, password });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Invalid user name or password.');
    }
  });

  it('requires PKCE (S256) and a registered redirect URI', async () => {
    const browser = new Browser();
    const withoutPkce = await browser.get(authorizeUrl({}));
    expect(withoutPkce.status).toBe(303);
    const error = new URL(withoutPkce.headers.get('location') ?? '');
    expect(`${error.origin}${error.pathname}`).toBe(REDIRECT_URI);
    expect(error.searchParams.get('error')).toBe('invalid_request');
    expect(error.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = await browser.get(
      authorizeUrl({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }),
    );
    expect(new URL(plain.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');

    const foreign = await browser.get(
      authorizeUrl({ redirect_uri: 'http://evil.example/cb', code_challenge: pkcePair().challenge }),
    );
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
  });

  it('cancelling the login returns access_denied to the web client', async () => {
    const browser = new Browser();
    const action = await openLoginForm(browser, pkcePair().challenge);
    const abort = await browser.get(action.replace(/\/login$/, '/abort'));
    const { location } = await browser.followWithin(idp.issuer, abort);
    expect(new URL(location ?? '').searchParams.get('error')).toBe('access_denied');
  });
});

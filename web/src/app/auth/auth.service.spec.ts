import { TestBed } from '@angular/core/testing';
import { base64Url } from './oidc';
import { AuthService } from './auth.service';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => base64Url(new TextEncoder().encode(JSON.stringify(value)));
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

describe('AuthService, back from the IdP', () => {
  afterEach(() => {
    TestBed.inject(AuthService).expire(); // stops the renew timer
    history.replaceState(null, '', '/');
    sessionStorage.clear();
    vi.restoreAllMocks();
  });

  it('exchanges the code as the app starts, at the token endpoint the sign-in page found', async () => {
    sessionStorage.setItem(
      'aurora.pending-login',
      JSON.stringify({
        state: 'st',
        nonce: 'no',
        verifier: 've',
        returnUrl: '/explore?q=abc',
        discovery: { authorization_endpoint: 'http://idp/auth', token_endpoint: 'http://idp/token' },
      }),
    );
    history.replaceState(null, '', '/auth/callback?code=co&state=st');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      Response.json({
        access_token: jwt({ sub: 'alice', exp }),
        id_token: jwt({ sub: 'alice', name: 'Alice Analyst', nonce: 'no' }),
        token_type: 'Bearer',
      }),
    );

    const auth = TestBed.inject(AuthService);

    await expect(auth.signInCompleted()).resolves.toBe('/explore?q=abc');
    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['http://idp/token']);
    expect(auth.user()).toEqual({ sub: 'alice', name: 'Alice Analyst' });
  });

  it('has no sign-in to complete on any other page', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    const auth = TestBed.inject(AuthService);

    await expect(auth.signInCompleted()).rejects.toThrow(/no sign-in to complete/);
    expect(fetch).not.toHaveBeenCalled();
  });
});

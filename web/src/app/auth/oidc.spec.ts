import { base64Url, endSessionUrl, renewAt, sessionFromTokens, type OidcConfig, type Session } from './oidc';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => base64Url(new TextEncoder().encode(JSON.stringify(value)));
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

describe('sessionFromTokens', () => {
  it('reads the user and the expiry from the tokens of a sign-in', () => {
    const session = sessionFromTokens(
      {
        access_token: jwt({ sub: 'alice', exp: NOW / 1000 + 900 }),
        id_token: jwt({ sub: 'alice', name: 'Alice Analyst' }),
        refresh_token: 'r1',
        token_type: 'Bearer',
      },
      NOW,
    );
    expect(session).toEqual({
      accessToken: session.accessToken,
      issuedAt: NOW,
      expiresAt: NOW + 900_000,
      refreshToken: 'r1',
      user: { sub: 'alice', name: 'Alice Analyst' },
    });
  });

  it('keeps the user and the refresh token a renewal does not repeat', () => {
    const previous: Session = {
      accessToken: 'old',
      issuedAt: NOW - 900_000,
      expiresAt: NOW,
      refreshToken: 'r1',
      user: { sub: 'alice', name: 'Alice Analyst' },
    };
    const renewed = sessionFromTokens(
      { access_token: jwt({ exp: NOW / 1000 + 60 }), token_type: 'Bearer' },
      NOW,
      previous,
    );
    expect(renewed.user).toEqual(previous.user);
    expect(renewed.refreshToken).toBe('r1');
    expect(renewed.expiresAt).toBe(NOW + 60_000);
  });

  it('takes the rotated refresh token', () => {
    const renewed = sessionFromTokens(
      { access_token: jwt({ sub: 'bob', exp: NOW / 1000 + 60 }), refresh_token: 'r2', token_type: 'Bearer' },
      NOW,
      {
        accessToken: 'old',
        issuedAt: 0,
        expiresAt: NOW,
        refreshToken: 'r1',
        user: { sub: 'bob', name: 'Bob' },
      },
    );
    expect(renewed.refreshToken).toBe('r2');
  });
});

describe('renewAt', () => {
  const session = (lifetimeMs: number): Session => ({
    accessToken: 'a',
    issuedAt: NOW,
    expiresAt: NOW + lifetimeMs,
    user: { sub: 'a', name: 'a' },
  });

  it("renews three quarters into the token's life", () => {
    expect(renewAt(session(900_000))).toBe(NOW + 675_000);
  });

  it('leaves at least 30 s to renew a short-lived token', () => {
    expect(renewAt(session(100_000))).toBe(NOW + 70_000);
    expect(renewAt(session(40_000))).toBe(NOW + 10_000);
  });
});

describe('endSessionUrl', () => {
  it('names the client and never carries a token', () => {
    const config: OidcConfig = {
      issuer: 'http://idp',
      clientId: 'aurora-web',
      redirectUri: 'http://app/auth/callback',
      postLogoutRedirectUri: 'http://app/',
      scope: 'openid',
    };
    const url = new URL(endSessionUrl('http://idp/session/end', config));
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'post_logout_redirect_uri']);
  });
});

/** Pure helpers of the OpenID Connect authorization code flow with PKCE (RFC 7636). */

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly scope: string;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly token_type: string;
}

export interface SessionUser {
  readonly sub: string;
  readonly name: string;
}

export interface Session {
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** For silent renew (the dev IdP rotates it at each use); absent when the IdP issues none. */
  readonly refreshToken?: string;
  readonly user: SessionUser;
}

export interface IdClaims {
  readonly sub: string;
  readonly name?: string;
  readonly nonce?: string;
  readonly exp?: number;
}

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(byteLength = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(
  endpoint: string,
  config: OidcConfig,
  request: { state: string; nonce: string; challenge: string },
): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** The logout URL names the client, never the ID token: no token ever travels in a URL. */
export function endSessionUrl(endpoint: string, config: OidcConfig): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
  }).toString();
  return url.toString();
}

/** Reads a JWT's payload without verifying it: the API verifies access tokens; this only reads display claims. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/**
 * The session of a token response. `previous` is the session being renewed: a refresh may come without an ID
 * token (then the user stays) or without a new refresh token (then the old one stays valid).
 */
export function sessionFromTokens(tokens: TokenResponse, now: number, previous?: Session): Session {
  const idClaims = tokens.id_token ? jwtClaims(tokens.id_token) : {};
  const accessClaims = jwtClaims(tokens.access_token);
  const expiresAt =
    typeof accessClaims['exp'] === 'number'
      ? accessClaims['exp'] * 1000
      : now + (tokens.expires_in ?? 300) * 1000;
  const claimedSub = idClaims['sub'] ?? accessClaims['sub'];
  const sub = typeof claimedSub === 'string' ? claimedSub : (previous?.user.sub ?? '');
  const claimedName = idClaims['name'] ?? accessClaims['name'];
  const name = typeof claimedName === 'string' ? claimedName : (previous?.user.name ?? sub);
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  return {
    accessToken: tokens.access_token,
    issuedAt: now,
    expiresAt,
    ...(refreshToken ? { refreshToken } : {}),
    user: { sub, name },
  };
}

/** When to renew silently: three quarters into the token's life, and never later than 30 s before it ends. */
export function renewAt(session: Session): number {
  const lifetime = session.expiresAt - session.issuedAt;
  return Math.max(session.issuedAt, Math.min(session.issuedAt + lifetime * 0.75, session.expiresAt - 30_000));
}

import { Injectable, computed, signal } from '@angular/core';
import {
  authorizeUrl,
  endSessionUrl,
  jwtClaims,
  pkceChallenge,
  randomToken,
  renewAt,
  sessionFromTokens,
  type OidcConfig,
  type Session,
  type TokenResponse,
} from './oidc';

export type { SessionUser } from './oidc';

interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly returnUrl: string;
  /** The issuer's endpoints, so that the callback page exchanges the code without asking for them again. */
  readonly discovery?: Discovery;
}

export type AuthStatus = 'anonymous' | 'authenticated' | 'expired';

const SESSION_KEY = 'aurora.session';
const PENDING_KEY = 'aurora.pending-login';
/** A renew that failed for a network reason is retried this often until the token runs out. */
const RENEW_RETRY_MS = 10_000;

/** The issuer is the dev IdP unless the page sets `<meta name="aurora-issuer">` (the gateway injects it). */
function oidcConfig(): OidcConfig {
  const issuer =
    document.querySelector<HTMLMetaElement>('meta[name="aurora-issuer"]')?.content ?? 'http://127.0.0.1:8081';
  return {
    issuer,
    clientId: 'aurora-web',
    redirectUri: `${location.origin}/auth/callback`,
    postLogoutRedirectUri: `${location.origin}/`,
    scope: 'openid profile',
  };
}

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
  readonly revocation_endpoint?: string;
}

/**
 * A small OIDC client (authorization code + PKCE, public client) with silent renew through the refresh token.
 * Tokens live in this tab's sessionStorage only; they are never put in a URL or logged.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly config = oidcConfig();
  private readonly session = signal<Session | null>(readSession());
  private readonly expired = signal(false);
  private timer: ReturnType<typeof setTimeout> | undefined;

  readonly user = computed(() => this.session()?.user ?? null);
  readonly status = computed<AuthStatus>(() =>
    this.session() ? 'authenticated' : this.expired() ? 'expired' : 'anonymous',
  );

  /** The sign-in this page came back from the IdP with (on the callback path): where to go next. */
  private readonly callback: Promise<string> | null;

  constructor() {
    const current = this.session();
    if (current) this.schedule(current);
    // Back from the IdP, the code exchange starts with the app, before the router loads the explorer's code.
    this.callback =
      location.pathname === new URL(this.config.redirectUri).pathname
        ? this.completeSignIn(new URLSearchParams(location.search))
        : null;
    this.callback?.catch(() => undefined); // the callback page shows the failure
  }

  accessToken(): string | null {
    const current = this.session();
    if (!current) return null;
    if (Date.now() >= current.expiresAt) {
      this.expire();
      return null;
    }
    return current.accessToken;
  }

  /** Asks for the issuer's endpoints ahead of the click on "Sign in", which then goes straight to the IdP. */
  prepareSignIn(): void {
    void this.discover();
  }

  async signIn(returnUrl = '/explore'): Promise<void> {
    const discovery = await this.discover();
    const pending: PendingLogin = {
      state: randomToken(),
      nonce: randomToken(),
      verifier: randomToken(48),
      returnUrl,
      discovery,
    };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const challenge = await pkceChallenge(pending.verifier);
    location.assign(authorizeUrl(discovery.authorization_endpoint, this.config, { ...pending, challenge }));
  }

  /** Where to go once the sign-in this page came back with is complete; rejects with a message for the person. */
  signInCompleted(): Promise<string> {
    return (
      this.callback ??
      Promise.reject(new Error('There is no sign-in to complete here. Please sign in again.'))
    );
  }

  /** Completes the login from the callback's query; returns where to go next. */
  private async completeSignIn(params: URLSearchParams): Promise<string> {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingLogin | null;
    sessionStorage.removeItem(PENDING_KEY);
    if (pending?.discovery) this.discoveryCache ??= Promise.resolve(pending.discovery);
    const error = params.get('error');
    if (error) throw new Error(params.get('error_description') ?? error);
    const code = params.get('code');
    if (!pending || !code || params.get('state') !== pending.state) {
      throw new Error('The sign-in response did not match this browser tab. Please sign in again.');
    }
    const tokens = await this.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.config.redirectUri,
      code_verifier: pending.verifier,
    });
    if (!tokens) throw new Error('The identity provider refused the sign-in. Please sign in again.');
    if (tokens.id_token && jwtClaims(tokens.id_token)['nonce'] !== pending.nonce)
      throw new Error('The sign-in response was replayed.');
    this.setSession(sessionFromTokens(tokens, Date.now()));
    return pending.returnUrl;
  }

  /** Called when the session cannot be renewed or on a 401: the app shows the "session expired" screen. */
  expire(): void {
    if (!this.session()) return;
    this.setSession(null);
    this.expired.set(true);
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session()?.refreshToken;
    this.setSession(null);
    const discovery = await this.discover();
    // Revoking the refresh token ends silent renew even if the IdP's session outlives this tab.
    if (refreshToken && discovery.revocation_endpoint) {
      await fetch(discovery.revocation_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: refreshToken,
          token_type_hint: 'refresh_token',
          client_id: this.config.clientId,
        }),
      }).catch(() => undefined);
    }
    location.assign(
      discovery.end_session_endpoint
        ? endSessionUrl(discovery.end_session_endpoint, this.config)
        : '/sign-in',
    );
  }

  /** Silent renew: a new access token from the refresh token, without leaving the page. */
  private async renew(): Promise<void> {
    const current = this.session();
    if (!current?.refreshToken) return;
    let tokens: TokenResponse | null;
    try {
      tokens = await this.token({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
    } catch {
      // Offline or the IdP is restarting: try again while the current token still works.
      if (this.session() === current) this.retryOrExpire(current);
      return;
    }
    if (this.session() !== current) return; // signed out meanwhile
    if (tokens) this.setSession(sessionFromTokens(tokens, Date.now(), current));
    else this.expire(); // the IdP refused: the session really ended
  }

  private retryOrExpire(session: Session): void {
    clearTimeout(this.timer);
    const left = session.expiresAt - Date.now();
    this.timer = setTimeout(
      () => (left > RENEW_RETRY_MS ? void this.renew() : this.expire()),
      Math.max(0, Math.min(RENEW_RETRY_MS, left)),
    );
  }

  /** The token endpoint's answer, or null when it refused the grant; throws when it cannot be reached. */
  private async token(grant: Record<string, string>): Promise<TokenResponse | null> {
    const discovery = await this.discover();
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...grant, client_id: this.config.clientId }),
    });
    return response.ok ? ((await response.json()) as TokenResponse) : null;
  }

  private setSession(session: Session | null): void {
    clearTimeout(this.timer);
    this.session.set(session);
    if (session) {
      this.expired.set(false);
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      this.schedule(session);
    } else {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }

  /** Renews before the token runs out when a refresh token is held; otherwise expires with it. */
  private schedule(session: Session): void {
    const at = session.refreshToken ? renewAt(session) : session.expiresAt;
    const delay = Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => (session.refreshToken ? void this.renew() : this.expire()), delay);
  }

  private discoveryCache: Promise<Discovery> | undefined;
  private discover(): Promise<Discovery> {
    this.discoveryCache ??= fetch(`${this.config.issuer}/.well-known/openid-configuration`).then(
      (response) => response.json() as Promise<Discovery>,
    );
    void this.discoveryCache.catch(() => (this.discoveryCache = undefined));
    return this.discoveryCache;
  }
}

function readSession(): Session | null {
  const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
  return session && session.expiresAt > Date.now() && typeof session.issuedAt === 'number' ? session : null;
}

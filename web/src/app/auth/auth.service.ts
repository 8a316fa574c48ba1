import { Injectable, computed, signal } from '@angular/core';
import {
  authorizeUrl,
  endSessionUrl,
  jwtClaims,
  pkceChallenge,
  randomToken,
  type OidcConfig,
  type TokenResponse,
} from './oidc';

export interface SessionUser {
  readonly sub: string;
  readonly name: string;
}

interface Session {
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly user: SessionUser;
}

interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly returnUrl: string;
}

export type AuthStatus = 'anonymous' | 'authenticated' | 'expired';

const SESSION_KEY = 'aurora.session';
const PENDING_KEY = 'aurora.pending-login';

/** The issuer is the dev IdP unless the page sets `<meta name="aurora-issuer">` (the gateway may inject it). */
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
}

/**
 * A small OIDC client (authorization code + PKCE, public client). Tokens live in this tab's sessionStorage only;
 * they are never put in a URL or logged.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly config = oidcConfig();
  private readonly session = signal<Session | null>(readSession());
  private readonly expired = signal(false);
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  readonly user = computed(() => this.session()?.user ?? null);
  readonly status = computed<AuthStatus>(() =>
    this.session() ? 'authenticated' : this.expired() ? 'expired' : 'anonymous',
  );

  constructor() {
    const current = this.session();
    if (current) this.scheduleExpiry(current);
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

  async signIn(returnUrl = '/explore'): Promise<void> {
    const discovery = await this.discover();
    const pending: PendingLogin = {
      state: randomToken(),
      nonce: randomToken(),
      verifier: randomToken(48),
      returnUrl,
    };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const challenge = await pkceChallenge(pending.verifier);
    location.assign(authorizeUrl(discovery.authorization_endpoint, this.config, { ...pending, challenge }));
  }

  /** Completes the login from the callback's query; returns where to go next. */
  async completeSignIn(params: URLSearchParams): Promise<string> {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingLogin | null;
    sessionStorage.removeItem(PENDING_KEY);
    const error = params.get('error');
    if (error) throw new Error(params.get('error_description') ?? error);
    const code = params.get('code');
    if (!pending || !code || params.get('state') !== pending.state) {
      throw new Error('The sign-in response did not match this browser tab. Please sign in again.');
    }
    const discovery = await this.discover();
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.config.redirectUri,
        client_id: this.config.clientId,
        code_verifier: pending.verifier,
      }),
    });
    if (!response.ok) throw new Error(`The identity provider refused the sign-in (${response.status}).`);
    const tokens = (await response.json()) as TokenResponse;
    const idClaims = tokens.id_token ? jwtClaims(tokens.id_token) : {};
    if (tokens.id_token && idClaims['nonce'] !== pending.nonce)
      throw new Error('The sign-in response was replayed.');
    const accessClaims = jwtClaims(tokens.access_token);
    const exp =
      typeof accessClaims['exp'] === 'number'
        ? accessClaims['exp'] * 1000
        : Date.now() + (tokens.expires_in ?? 300) * 1000;
    const claimedSub = idClaims['sub'] ?? accessClaims['sub'];
    const sub = typeof claimedSub === 'string' ? claimedSub : '';
    const name = typeof idClaims['name'] === 'string' ? idClaims['name'] : sub;
    this.setSession({ accessToken: tokens.access_token, expiresAt: exp, user: { sub, name } });
    return pending.returnUrl;
  }

  /** Called on expiry or on a 401: the app shows the "session expired" screen. */
  expire(): void {
    if (!this.session()) return;
    this.setSession(null);
    this.expired.set(true);
  }

  async signOut(): Promise<void> {
    this.setSession(null);
    const discovery = await this.discover();
    location.assign(
      discovery.end_session_endpoint
        ? endSessionUrl(discovery.end_session_endpoint, this.config)
        : '/sign-in',
    );
  }

  private setSession(session: Session | null): void {
    clearTimeout(this.expiryTimer);
    this.session.set(session);
    if (session) {
      this.expired.set(false);
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      this.scheduleExpiry(session);
    } else {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }

  private scheduleExpiry(session: Session): void {
    const delay = Math.max(0, Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1));
    this.expiryTimer = setTimeout(() => {
      this.expire();
    }, delay);
  }

  private discoveryCache: Promise<Discovery> | undefined;
  private discover(): Promise<Discovery> {
    this.discoveryCache ??= fetch(`${this.config.issuer}/.well-known/openid-configuration`).then(
      (response) => response.json() as Promise<Discovery>,
    );
    return this.discoveryCache;
  }
}

function readSession(): Session | null {
  const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
  return session && session.expiresAt > Date.now() ? session : null;
}

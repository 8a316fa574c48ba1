import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, type RunningProcess } from '@aurora/testing';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

export interface RunningIdp {
  /** The issuer it announced (`dev-idp listening on <issuer>`). */
  readonly issuer: string;
  /** Where it listens: `http://127.0.0.1:<port>` (the issuer too, unless DEV_IDP_ISSUER says otherwise). */
  readonly url: string;
  readonly process: RunningProcess;
  /** Verifies an access token the way the gateway does: signature from the JWKS, issuer, audience, RS256. */
  verifyAccessToken(token: string): Promise<JWTPayload>;
  stop(): Promise<void>;
}

/** Starts the built CLI (`dist/main.js`) as a child process on a free port. */
export async function startIdp(env: Readonly<Record<string, string>> = {}): Promise<RunningIdp> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (npx tsc -b tools/dev-idp/tsconfig.lib.json)`);
  }
  const port = await freePort();
  const child = await startProcess({
    name: 'dev-idp',
    command: process.execPath,
    args: [MAIN],
    env: { DEV_IDP_PORT: String(port), ...env },
    readyLine: /listening/,
  });
  const issuer = /dev-idp listening on (\S+)/.exec(child.output())?.[1];
  if (issuer === undefined) {
    await child.stop();
    throw new Error(`no issuer in the ready line:\n${child.output()}`);
  }
  const url = `http://127.0.0.1:${port}`;
  const jwks = createRemoteJWKSet(new URL(`${url}/jwks`));
  return {
    issuer,
    url,
    process: child,
    verifyAccessToken: async (token) => {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: 'aurora-api',
        algorithms: ['RS256'],
        typ: 'at+jwt',
      });
      return payload;
    },
    stop: () => child.stop(),
  };
}

export interface TokenResponse {
  readonly access_token?: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly token_type?: string;
  readonly expires_in?: number;
  readonly scope?: string;
  readonly error?: string;
  readonly error_description?: string;
}

/** POSTs a form to the token endpoint; `basic` authenticates the client with HTTP Basic. */
export async function tokenRequest(
  issuer: string,
  form: Readonly<Record<string, string>>,
  basic?: { readonly clientId: string; readonly secret: string },
): Promise<{ status: number; body: TokenResponse }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) {
    const credentials = `${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.secret)}`;
    headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse };
}

/** The claims part of a JWT, unverified (for ID tokens, whose audience is the client). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A browser in miniature: cookies (name, value, path) and manual redirects. One host only. */
export class Browser {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  async get(url: string): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  async postForm(url: string, form: Readonly<Record<string, string>>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects from `response` (GET, as a browser does after 302/303) until one leaves `issuer`, and
   * returns that location; or returns the first non-redirect response on the way.
   */
  async followWithin(issuer: string, response: Response): Promise<{ location?: string; response: Response }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { response: current };
      const next = new URL(location, current.url || issuer).toString();
      if (!next.startsWith(`${issuer}/`)) return { location: next, response: current };
      current = await this.get(next);
    }
    throw new Error('too many redirects');
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const path = new URL(url).pathname;
    const cookie = [...this.cookies.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', val = ''] = attribute.split('=');
      const lower = key.toLowerCase();
      if (lower === 'path' && val) path = val;
      if (lower === 'max-age' && Number(val) <= 0) expired = true;
      if (lower === 'expires' && Date.parse(val) <= Date.now()) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, { name, value, path });
  }
}

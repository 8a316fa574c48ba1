import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type {
  AccessToken,
  Account,
  ClientCredentials,
  ClientMetadata,
  Configuration,
  ErrorOut,
  JWK,
  KoaContextWithOIDC,
  ResourceServer,
  default as Provider,
  errors,
} from 'oidc-provider' with { 'resolution-mode': 'import' };
import { escapeHtml, loginPage, logoutPage, messagePage } from './login-page';
import {
  API_AUDIENCE,
  API_RESOURCE,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_WEB_REDIRECT_URIS,
  WEB_CLIENT_ID,
  type DevIdpOptions,
} from './options';
import { authenticate, cliPrincipal, DEV_CLI_CLIENTS, userById, type DevPrincipal } from './principals';

export interface DevIdp {
  /** The issuer identifier, e.g. `http://127.0.0.1:8081`; discovery is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** Stops accepting requests, drops open connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/** What is used of the dynamically imported module. */
interface OidcModule {
  readonly Provider: typeof Provider;
  readonly errors: typeof errors;
}

const SIGNING_ALG = 'RS256';
/** Resource-server scope of the Aurora API; tokens are valid for the API whether or not it was requested. */
const API_SCOPE = 'api';
const REFRESH_TTL_SECONDS = 24 * 60 * 60;
const MAX_FORM_BYTES = 16 * 1024;

/**
 * Starts a real OpenID Connect provider (oidc-provider) for development and tests: the web client `aurora-web`
 * (authorization code + PKCE, refresh tokens) with the dev users' login form, and the confidential
 * client-credentials clients `aurora-cli`, `alice-cli`, `bob-cli`, `carol-cli`, `dave-cli`. Access tokens are RS256 JWTs for
 * the audience `aurora-api` carrying `sub`, `name` and `groups`. Signing keys are generated at each start.
 */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  // oidc-provider is ESM-only: a real dynamic import from this CommonJS build (TypeScript's Node16+ module
  // modes keep `import()` as is in CommonJS output).
  const oidc: OidcModule = await import('oidc-provider');
  const jwk = await signingKey();

  let handler: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else send(res, 503, 'text/plain', 'starting');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }));

  try {
    const port = (server.address() as AddressInfo).port;
    const issuer = options.issuer ?? `http://127.0.0.1:${port}`;
    const provider = createProvider(oidc, issuer, jwk, options);
    handler = requestHandler(provider, oidc);
    return { issuer, port, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' };
}

function createProvider(oidc: OidcModule, issuer: string, jwk: JWK, options: DevIdpOptions): Provider {
  const issuerUrl = new URL(issuer);
  if (issuerUrl.pathname !== '/' || issuer.endsWith('/')) {
    throw new Error(`the issuer must be an origin without a path or trailing slash, got "${issuer}"`);
  }
  const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const redirectUris = [...(options.webRedirectUris ?? DEFAULT_WEB_REDIRECT_URIS)];
  const apiResourceServer: ResourceServer = {
    scope: API_SCOPE,
    audience: API_AUDIENCE,
    accessTokenTTL: ttl,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: SIGNING_ALG } },
  };

  const webClient: ClientMetadata = {
    client_id: WEB_CLIENT_ID,
    client_name: 'Aurora',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: [...new Set(redirectUris.map((uri) => `${new URL(uri).origin}/`))],
  };
  const cliClients: ClientMetadata[] = DEV_CLI_CLIENTS.map((client) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_name: client.principal.name,
    // client_secret_post is accepted as well: oidc-provider treats the two secret methods alike.
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  }));

  const configuration: Configuration = {
    clients: [webClient, ...cliClients],
    responseTypes: ['code'],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, sub) => {
      const user = userById(sub);
      return user ? account(user) : undefined;
    },
    // name and groups come with `openid` itself, so every ID token carries them whatever else is requested.
    claims: {
      openid: ['sub', 'name', 'groups'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = messagePage('Signed out', 'You are signed out of the Aurora dev IdP.');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== API_RESOURCE) {
            throw new oidc.errors.InvalidTarget(`unknown resource; use ${API_RESOURCE} (or none)`);
          }
          return apiResourceServer;
        },
      },
    },
    pkce: { required: () => true },
    // Refresh tokens for the web client's silent renew, without having to ask for offline_access.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: (_ctx, token) => {
      const principal = principalOf(token);
      return principal
        ? { ...principal.claims, name: principal.name, groups: [...principal.groups] }
        : undefined;
    },
    formats: {
      customizers: {
        // oidc-provider sets `sub` of a client-credentials token to the client id; ours speak for a principal.
        jwt: (_ctx, token, jwt) => {
          const principal = principalOf(token);
          if (principal) jwt.payload['sub'] = principal.sub;
        },
      },
    },
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientAuthMethod === 'none' &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      IdToken: ttl,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Grant: REFRESH_TTL_SECONDS,
      Session: REFRESH_TTL_SECONDS,
      RefreshToken: REFRESH_TTL_SECONDS,
    },
    renderError: (ctx, out) => renderError(ctx, out),
  };

  const provider = new oidc.Provider(issuer, configuration);
  provider.proxy = issuerUrl.protocol === 'https:';
  provider.on('server_error', (_ctx, error) => {
    console.error('dev-idp server error:', error);
  });
  return provider;
}

function account(user: DevPrincipal): Account {
  return {
    accountId: user.sub,
    claims: () => ({
      sub: user.sub,
      name: user.name,
      groups: [...user.groups],
      preferred_username: user.sub,
    }),
  };
}

/** The user of a code-flow token, or the principal a client-credentials client speaks for. */
function principalOf(token: AccessToken | ClientCredentials): DevPrincipal | undefined {
  return token.kind === 'AccessToken' ? userById(token.accountId) : cliPrincipal(token.clientId ?? '');
}

function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  const details = Object.entries(out)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`)
    .join('\n');
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Error - Aurora dev IdP</title></head>
<body><h1>Something went wrong</h1>
${details}
</body>
</html>
`;
}

/** oidc-provider for everything but `/interaction/...`, which is this IdP's own login (and auto-consent). */
function requestHandler(provider: Provider, oidc: OidcModule): RequestListener {
  const callback = provider.callback();
  return (req, res) => {
    const pathname = URL.parse(req.url ?? '/', 'http://localhost')?.pathname ?? '/';
    if (pathname.startsWith('/interaction/')) {
      interaction(provider, oidc, req, res, pathname).catch((error: unknown) => {
        console.error('dev-idp interaction error:', error);
        if (!res.headersSent) send(res, 500, 'text/html', messagePage('Error', 'The sign-in failed.'));
        else res.end();
      });
      return;
    }
    void callback(req, res);
  };
}

async function interaction(
  provider: Provider,
  oidc: OidcModule,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const match = /^\/interaction\/([^/]+)(?:\/(login|abort))?$/.exec(pathname);
  const uid = match?.[1];
  const action = match?.[2];
  if (!match || uid === undefined) {
    send(res, 404, 'text/html', messagePage('Not found', 'No such page.'));
    return;
  }

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    if (error instanceof oidc.errors.SessionNotFound) {
      send(res, 400, 'text/html', messagePage('Sign-in expired', 'Start again from the application.'));
      return;
    }
    throw error;
  }
  if (details.uid !== uid) {
    send(res, 400, 'text/html', messagePage('Sign-in expired', 'Start again from the application.'));
    return;
  }
  const clientId = String(details.params['client_id']);
  const client = await provider.Client.find(clientId);
  const clientName = client?.clientName ?? clientId;

  if (action === 'abort') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  switch (details.prompt.name) {
    case 'login': {
      if (action !== 'login') {
        send(res, 200, 'text/html', loginPage({ uid, clientName }));
        return;
      }
      if (req.method !== 'POST') {
        send(res, 405, 'text/plain', 'use POST');
        return;
      }
      const form = await readForm(req);
      const username = form.get('username')?.trim() ?? '';
      const user = authenticate(username, form.get('password') ?? '');
      if (!user) {
        const page = loginPage({ uid, clientName, username, error: 'Invalid user name or password.' });
        send(res, 200, 'text/html', page);
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    case 'consent': {
      // Consent is implied for the first-party web client: grant whatever it asked for.
      if (clientId !== WEB_CLIENT_ID || !details.session) {
        send(res, 403, 'text/html', messagePage('Not allowed', `${clientName} cannot ask for consent here.`));
        return;
      }
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId });
      if (!grant) throw new Error(`grant ${String(details.grantId)} not found`);
      const missing = details.prompt.details;
      const scope = missing['missingOIDCScope'];
      if (Array.isArray(scope)) grant.addOIDCScope(scope.map(String).join(' '));
      const claims = missing['missingOIDCClaims'];
      if (Array.isArray(claims)) grant.addOIDCClaims(claims.map(String));
      const resourceScopes = missing['missingResourceScopes'];
      if (resourceScopes && typeof resourceScopes === 'object') {
        for (const [indicator, scopes] of Object.entries(resourceScopes as Record<string, unknown>)) {
          if (Array.isArray(scopes)) grant.addResourceScope(indicator, scopes.map(String).join(' '));
        }
      }
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: details.grantId ? {} : { grantId } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    default:
      send(
        res,
        400,
        'text/html',
        messagePage('Unsupported', `Prompt ${details.prompt.name} is not supported.`),
      );
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': `${type}; charset=utf-8`,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

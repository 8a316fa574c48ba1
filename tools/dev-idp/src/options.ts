/** The web client's public client id (authorization code + PKCE). */
export const WEB_CLIENT_ID = 'aurora-web';
/** The `aud` of every access token. */
export const API_AUDIENCE = 'aurora-api';
/**
 * The resource indicator (RFC 8707) of the Aurora API. oidc-provider only accepts absolute URIs as resource
 * indicators, so the indicator is a URN; the tokens' audience is still plain `aurora-api`. It is the default
 * resource: clients do not need to send it.
 */
export const API_RESOURCE = 'urn:aurora-api';

export const DEFAULT_PORT = 8081;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;
export const DEFAULT_WEB_REDIRECT_URIS: readonly string[] = [
  'http://127.0.0.1:8080/',
  'http://127.0.0.1:8080/auth/callback',
  'http://localhost:4200/auth/callback',
];

export interface DevIdpOptions {
  /** TCP port; 0 picks a free one. Default 8081. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Issuer identifier. Default `http://127.0.0.1:<port>`. */
  readonly issuer?: string;
  /** Redirect URIs registered for the web client `aurora-web`. */
  readonly webRedirectUris?: readonly string[];
  /** Lifetime of access and ID tokens. Default 15 minutes. */
  readonly tokenTtlSeconds?: number;
}

/** Options from `DEV_IDP_PORT`, `DEV_IDP_HOST`, `DEV_IDP_ISSUER`, `DEV_IDP_WEB_REDIRECT_URIS`, `DEV_IDP_TOKEN_TTL_SECONDS`. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): DevIdpOptions {
  const port = positiveIntegerOr(env['DEV_IDP_PORT'], 'DEV_IDP_PORT', DEFAULT_PORT, true);
  const redirectUris = nonEmpty(env['DEV_IDP_WEB_REDIRECT_URIS'])
    ?.split(',')
    .map((uri) => uri.trim())
    .filter((uri) => uri.length > 0);
  return {
    port,
    host: nonEmpty(env['DEV_IDP_HOST']) ?? DEFAULT_HOST,
    // Unset: `http://127.0.0.1:<port>` once the port is known (DEV_IDP_PORT=0 picks a free one).
    issuer: nonEmpty(env['DEV_IDP_ISSUER']),
    webRedirectUris: redirectUris ?? DEFAULT_WEB_REDIRECT_URIS,
    tokenTtlSeconds: positiveIntegerOr(
      env['DEV_IDP_TOKEN_TTL_SECONDS'],
      'DEV_IDP_TOKEN_TTL_SECONDS',
      DEFAULT_TOKEN_TTL_SECONDS,
      false,
    ),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveIntegerOr(
  raw: string | undefined,
  name: string,
  fallback: number,
  zeroAllowed: boolean,
): number {
  const text = nonEmpty(raw);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || (value === 0 && !zeroAllowed)) {
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} integer, got "${text}"`);
  }
  return value;
}

import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The security headers of every response (docs/OPERATIONS.md, "Security headers"), by what it is:
 * - the web app's page and files: a strict Content-Security-Policy whose nonce is new at each request, so only
 *   the scripts and styles the gateway itself marked in index.html (and what they load) run;
 * - the API (JSON, problem+json, CSV, SSE): a policy that lets a response load nothing and be framed by no one;
 * - the API's documentation page (Swagger UI): scripts from the gateway only.
 * All of them: nosniff, no referrer, no powerful browser features, no X-Powered-By. No Strict-Transport-Security:
 * the gateway speaks plain HTTP behind the TLS terminator (the ingress), which owns HSTS.
 * In Kubernetes the web image's nginx serves the web app with the same headers, from web/security-headers.conf:
 * change both (tools/deploy-check's web-image test runs the two side by side and compares them).
 */

/** What the web app's page may reach besides its own origin. */
export interface WebAppOrigins {
  /** The OpenID Connect issuer's origin: discovery, token and revocation requests (fetch). */
  readonly issuer: string;
  /** The origin of the object store's presigned download links, opened in a hidden frame. */
  readonly downloads: string;
}

/**
 * `ngCspNonce` in web/src/index.html: the Angular build copies it onto every script, style and module preload,
 * Angular and AG Grid read it for the styles they add; the gateway replaces it with the response's nonce.
 */
export const CSP_NONCE_PLACEHOLDER = '__AURORA_CSP_NONCE__';

/** The browser's CSV download: a form post into a hidden frame of the app, which reads an error page there. */
const CSV_FORM_PATH = '/api/v1/query/csv';
const DOCS_PATH = '/api/docs';

/**
 * Browser features no page of Aurora uses, denied to it and to any frame it opens. The one it uses: "Link"
 * copies the view's address (`clipboard-write`).
 */
const PERMISSIONS_POLICY = [
  ...[
    'accelerometer',
    'autoplay',
    'camera',
    'clipboard-read',
    'display-capture',
    'encrypted-media',
    'fullscreen',
    'gamepad',
    'geolocation',
    'gyroscope',
    'hid',
    'idle-detection',
    'local-fonts',
    'magnetometer',
    'microphone',
    'midi',
    'payment',
    'picture-in-picture',
    'publickey-credentials-get',
    'screen-wake-lock',
    'serial',
    'sync-xhr',
    'usb',
    'window-management',
    'xr-spatial-tracking',
  ].map((feature) => `${feature}=()`),
  'clipboard-write=(self)',
].join(', ');

/** What every response shares; helmet's other defaults (nosniff, COOP/CORP same-origin, …) stay on. */
const COMMON = {
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
} as const satisfies HelmetOptions;

/**
 * Swagger UI (a developer's page, no data of its own): its scripts come from the gateway, but its page has an
 * inline <style> and its components set style attributes, so styles may be inline there and only there.
 */
const DOCS_OPTIONS: HelmetOptions = {
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
};

const nonces = new WeakMap<ServerResponse, string>();

/** The nonce of a web app response's policy (set by `securityHeaders` before the app's handlers run). */
export function cspNonce(response: ServerResponse): string {
  const nonce = nonces.get(response);
  if (nonce === undefined) throw new Error('no Content-Security-Policy nonce for this response');
  return nonce;
}

/** The headers of each response, by path; `webApp` is null when the gateway serves no web app. */
export function securityHeaders(webApp: WebAppOrigins | null): RequestHandler {
  const api = helmet(apiOptions("'none'"));
  const csvForm = helmet(apiOptions("'self'"));
  const docs = helmet(DOCS_OPTIONS);
  const app = webApp ? helmet(webAppOptions(webApp)) : null;
  return (request, response, next) => {
    response.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    const { path } = request;
    if (path === CSV_FORM_PATH) csvForm(request, response, next);
    else if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) docs(request, response, next);
    else if (path.startsWith('/api/') || app === null) api(request, response, next);
    else {
      nonces.set(response, randomBytes(16).toString('base64'));
      app(request, response, next);
    }
  };
}

/** JSON and files: nothing to load; `frameAncestors` "'self'" only where the app frames the response. */
function apiOptions(frameAncestors: "'none'" | "'self'"): HelmetOptions {
  return {
    ...COMMON,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: [frameAncestors] },
    },
    frameguard: { action: frameAncestors === "'self'" ? 'sameorigin' : 'deny' },
  };
}

function webAppOptions(origins: WebAppOrigins): HelmetOptions {
  const nonce = (_: unknown, response: ServerResponse): string => `'nonce-${cspNonce(response)}'`;
  return {
    ...COMMON,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The build's scripts carry the nonce; the chunks they import are trusted through it.
        scriptSrc: [nonce, "'strict-dynamic'"],
        // The stylesheet, and the <style> elements of the build (critical CSS), Angular and AG Grid: all nonced.
        styleSrc: ["'self'", nonce],
        // AG Grid's theme draws its icons from data: URLs.
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", origins.issuer],
        frameSrc: ["'self'", origins.downloads],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
  };
}

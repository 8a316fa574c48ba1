import { startStack, type Stack } from '@aurora/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, post, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/OPERATIONS.md, "Security headers": the web app is served under a strict Content-Security-Policy whose
 * nonce is new at each request, and every API response (JSON, problem+json, 401, CSV) under one that lets it
 * load nothing and be framed by nobody; all of them with nosniff, no referrer and no powerful features.
 */

/** web/src/index.html's `ngCspNonce`: the build copies it onto every script and style, the gateway replaces it. */
const NONCE_PLACEHOLDER = '__AURORA_CSP_NONCE__';
/** What the object store's presigned links point at (nothing listens: only the policy is looked at). */
const S3_ENDPOINT = 'http://127.0.0.1:9';

let warehouse: TestWarehouse;
let stack: Stack;
let webRoot: string;
let alice: string;

const QUERY = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  columns: ['global_sales.sale_id'],
};

beforeAll(async () => {
  warehouse = await demoWarehouse(2_000);
  webRoot = mkdtempSync(join(tmpdir(), 'aurora-web-root-'));
  // As the Angular build writes it: the placeholder on the root element and copied onto each script and style.
  const nonce = `nonce="${NONCE_PLACEHOLDER}"`;
  writeFileSync(
    join(webRoot, 'index.html'),
    `<!doctype html><html><head><title>Aurora</title><style ${nonce}>html{height:100%}</style>` +
      `<link rel="stylesheet" href="styles.css" ${nonce}></head><body>` +
      `<au-root ngCspNonce="${NONCE_PLACEHOLDER}"></au-root><link rel="modulepreload" href="chunk.js" ${nonce}>` +
      `<script src="main.js" type="module" ${nonce}></script></body></html>`,
  );
  writeFileSync(join(webRoot, 'main.js'), 'console.log("aurora");\n');
  stack = await startStack({
    warehousePath: warehouse.path,
    env: { gateway: { WEB_ROOT: webRoot, S3_ENDPOINT } },
  });
  alice = await stack.token('alice-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
  rmSync(webRoot, { recursive: true, force: true });
});

/** The Content-Security-Policy header as directive → sources (throws when there is none). */
function policyOf(response: ApiResponse): Map<string, string[]> {
  const header = response.headers.get('content-security-policy');
  if (header === null) throw new Error(`no Content-Security-Policy (status ${response.status})`);
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((tokens) => tokens[0] !== '')
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

/** What every response carries, whatever it is. */
function expectBaseHeaders(response: ApiResponse): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-powered-by')).toBeNull();
  const features = new Map(
    (response.headers.get('permissions-policy') ?? '').split(',').map((entry) => {
      const [name = '', allow = ''] = entry.trim().split('=');
      return [name, allow];
    }),
  );
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture'])
    expect([feature, features.get(feature)]).toEqual([feature, '()']);
}

/** The policy of an API response: it may load nothing and no page may frame it (`frameAncestors`). */
function expectApiHeaders(response: ApiResponse, frameAncestors = "'none'"): void {
  expectBaseHeaders(response);
  expect(Object.fromEntries(policyOf(response))).toEqual({
    'default-src': ["'none'"],
    'frame-ancestors': [frameAncestors],
  });
  expect(response.headers.get('x-frame-options')).toBe(frameAncestors === "'self'" ? 'SAMEORIGIN' : 'DENY');
}

describe('the web app', () => {
  it('is served under a strict policy: scripts and styles only with the nonce of this very response', async () => {
    const page = await get(`${stack.urls.gateway}/explore?q=abc`);
    expect(page.status).toBe(200);
    expectBaseHeaders(page);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const policy = policyOf(page);
    const nonce = /^'nonce-([A-Za-z0-9+/]{22,}={0,2})'$/.exec(policy.get('script-src')?.[0] ?? '')?.[1];
    if (nonce === undefined)
      throw new Error(`no nonce in script-src: ${policy.get('script-src')?.join(' ')}`);
    expect(policy.get('script-src')).toEqual([`'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy.get('style-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-inline'");
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
    // The page carries that nonce wherever the build put the placeholder, and nowhere the placeholder itself.
    expect(page.text).not.toContain(NONCE_PLACEHOLDER);
    expect(page.text.split(`nonce="${nonce}"`)).toHaveLength(5);
    expect(page.text).toContain(`ngCspNonce="${nonce}"`);

    const again = await get(`${stack.urls.gateway}/`);
    expect(policyOf(again).get('script-src')?.[0]).not.toBe(`'nonce-${nonce}'`);
  });

  it('may reach only its own origin, the issuer it signs in with and the object store of its downloads', async () => {
    const policy = policyOf(await get(`${stack.urls.gateway}/`));
    expect(policy.get('connect-src')).toEqual(["'self'", new URL(stack.urls.issuer).origin]);
    // Downloads open in hidden frames: the CSV form post (same origin) and presigned object-store links.
    expect(policy.get('frame-src')).toEqual(["'self'", new URL(S3_ENDPOINT).origin]);
    expect(policy.get('form-action')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('serves its static files with the same headers', async () => {
    const script = await get(`${stack.urls.gateway}/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expectBaseHeaders(script);
    expect(policyOf(script).get('frame-ancestors')).toEqual(["'none'"]);
    expect(script.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('the API', () => {
  it('answers JSON under a policy that loads nothing and may not be framed', async () => {
    const datasets = await get(`${stack.urls.api}/datasets`, { token: alice });
    expect(datasets.status).toBe(200);
    expect(datasets.headers.get('content-type')).toMatch(/^application\/json/);
    expectApiHeaders(datasets);
    expectApiHeaders(await get(`${stack.urls.api}/health/live`));
  });

  it('sends the same headers with a problem+json error, a 401 and an unknown route', async () => {
    const invalid = await post(
      `${stack.urls.api}/query/preview`,
      { dataset: 'global_sales' },
      { token: alice },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectApiHeaders(invalid);
    const anonymous = await get(`${stack.urls.api}/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="aurora"');
    expectApiHeaders(anonymous);
    const unknown = await get(`${stack.urls.api}/no-such-route`, { token: alice });
    expect(unknown.status).toBe(404);
    expectApiHeaders(unknown);
  });

  it('streams a CSV download with them', async () => {
    const csv = await post(`${stack.urls.api}/query/csv`, QUERY, { token: alice });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expectApiHeaders(csv, "'self'");
  });

  it('lets only the app itself frame the CSV form post, whose error page it reads from its hidden frame', async () => {
    const form = (fields: Record<string, string>) =>
      send(`${stack.urls.api}/query/csv`, { method: 'POST', body: new URLSearchParams(fields) }, {});
    const refused = await form({ query: JSON.stringify(QUERY) });
    expect(refused.status).toBe(401);
    expectApiHeaders(refused, "'self'");
    const invalid = await form({ access_token: alice });
    expect(invalid.status).toBe(400);
    expectApiHeaders(invalid, "'self'");
  });

  it('serves its documentation page with scripts from its own origin only', async () => {
    const docs = await get(`${stack.urls.gateway}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expectBaseHeaders(docs);
    const policy = policyOf(docs);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });
});

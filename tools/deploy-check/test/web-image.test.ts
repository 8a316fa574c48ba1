import { startGateway, type GatewayProcess } from '@aurora/testing';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_ARGS, REPO_ROOT, parseObjects, renderChart, type K8sObject } from '../src/helm';
import { SETTINGS_MOUNT, startWebImage, webImageFiles, type WebImageServer } from '../src/web-image';

/**
 * docs/OPERATIONS.md, "Security headers": in Kubernetes the web image's nginx serves the page, and it must send
 * what the gateway sends when it serves the page itself (`npm start`), with a nonce of its own each time. Both
 * run here as real processes configured by one rendering of the chart: nginx with web/nginx.conf and the web
 * ConfigMap's files, the gateway with its ConfigMap's issuer and object store.
 */

const WEB_ROOT = join(REPO_ROOT, 'web', 'dist', 'browser');
/** web/src/index.html's ngCspNonce, which the build copies onto every script, style and module preload. */
const NONCE_PLACEHOLDER = '__AURORA_CSP_NONCE__';
/**
 * Headers about the connection, the body and caching, which nginx and the gateway set their own way, and the
 * gateway's correlation id (X-Request-Id).
 */
const NOT_SECURITY_HEADERS = new Set([
  'accept-ranges',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'date',
  'etag',
  'expires',
  'keep-alive',
  'last-modified',
  'server',
  'transfer-encoding',
  'vary',
  'x-request-id',
]);

type Data = Record<string, string>;

const configMap = (objects: K8sObject[], name: string): Data => {
  const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (found === undefined) throw new Error(`the chart renders no ConfigMap ${name}`);
  return found['data'] as Data;
};

/** The page's files as the build wrote them: a bundle, for a static request. */
function bundleName(): string {
  const script = /<script src="(main-[^"]+\.js)"/.exec(readFileSync(join(WEB_ROOT, 'index.html'), 'utf8'));
  if (script?.[1] === undefined) throw new Error('web/dist/browser/index.html names no main bundle');
  return script[1];
}

/** The nonce of a response's policy (its script-src), or undefined. */
function nonceOf(response: Response): string | undefined {
  const policy = response.headers.get('content-security-policy') ?? '';
  return /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
}

/**
 * The security headers of a response, by name: all but NOT_SECURITY_HEADERS, the policy's directives in a
 * fixed order with its nonce written N, so two servers' responses compare equal when they mean the same.
 */
function securityHeaders(response: Response): Data {
  const nonce = nonceOf(response);
  const headers: Data = {};
  for (const [name, value] of response.headers) {
    if (NOT_SECURITY_HEADERS.has(name)) continue;
    headers[name] =
      name === 'content-security-policy'
        ? value
            .replaceAll(`'nonce-${nonce ?? ''}'`, "'nonce-N'")
            .split(';')
            .map((directive) => directive.trim().split(/\s+/).join(' '))
            .filter((directive) => directive !== '')
            .sort()
            .join('; ')
        : value;
  }
  return headers;
}

const INSTALLS: Record<string, string[]> = {
  'default values (bundled MinIO: path-style links)': [],
  'values-production.yaml (S3: virtual-hosted links)': PRODUCTION_ARGS,
};

describe.each(Object.entries(INSTALLS))('the web image with the chart’s %s', (_name, args) => {
  const objects = parseObjects(renderChart(args));
  const gatewayEnv = configMap(objects, 'aurora-gateway');
  let web: WebImageServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    [web, gateway] = await Promise.all([
      startWebImage(configMap(objects, 'aurora-web')),
      startGateway({
        WEB_ROOT,
        ...Object.fromEntries(
          ['OIDC_ISSUER', 'S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_FORCE_PATH_STYLE'].map((key) => [
            key,
            gatewayEnv[key] ?? '',
          ]),
        ),
        // Nothing listens there: the page is all the gateway serves here.
        METADATA_GRPC_ADDRESS: '127.0.0.1:9',
        QUERY_GRPC_ADDRESS: '127.0.0.1:9',
      }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([web.stop(), gateway.stop()]);
  });

  it.each(['/', '/explore?q=abc', `/${bundleName()}`])(
    'sends the gateway’s security headers with %s',
    async (path) => {
      const [fromNginx, fromGateway] = await Promise.all([
        fetch(`${web.url}${path}`),
        fetch(`${gateway.url}${path}`),
      ]);
      expect([fromNginx.status, fromGateway.status]).toEqual([200, 200]);
      expect(nonceOf(fromNginx)).toMatch(/^[A-Za-z0-9+/_-]{22,}={0,2}$/);
      expect(securityHeaders(fromNginx)).toEqual(securityHeaders(fromGateway));
    },
  );

  it('writes the nonce of its policy over every placeholder of the page, a new one at each request', async () => {
    const placeholders =
      readFileSync(join(WEB_ROOT, 'index.html'), 'utf8').split(NONCE_PLACEHOLDER).length - 1;
    expect(placeholders).toBeGreaterThan(2);
    const nonces = new Set<string>();
    for (const path of ['/', '/explore?q=abc', '/index.html']) {
      const response = await fetch(`${web.url}${path}`);
      expect(response.status).toBe(200);
      const page = await response.text();
      const nonce = nonceOf(response) ?? 'none';
      expect(page).not.toContain(NONCE_PLACEHOLDER);
      // Each script, style and module preload, and <au-root ngCspNonce> (the build writes it in lower case).
      const inPage = [...page.matchAll(/nonce="([^"]*)"/gi)].map((match) => match[1]);
      expect(inPage).toEqual(Array.from({ length: placeholders }, () => nonce));
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(3);
  });

  it('never answers 304 for the page: a cached copy does not hold the nonces of a new policy', async () => {
    const modified = statSync(join(WEB_ROOT, 'index.html')).mtime.toUTCString();
    for (const path of ['/', '/explore']) {
      const response = await fetch(`${web.url}${path}`, {
        headers: { 'if-modified-since': modified, 'if-none-match': '*' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBeNull();
      expect(response.headers.get('last-modified')).toBeNull();
      expect(await response.text()).toContain(`nonce="${nonceOf(response) ?? 'none'}"`);
    }
  });

  it('keeps its other runtime settings and caching rules', async () => {
    const page = await fetch(`${web.url}/explore`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain(
      `<meta name="aurora-issuer" content="${gatewayEnv['OIDC_ISSUER'] ?? ''}">`,
    );
    const bundle = await fetch(`${web.url}/${bundleName()}`);
    expect(bundle.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('sends them with a missing file (404) and the health check too', async () => {
    const others = await Promise.all([fetch(`${web.url}/no-such-chunk.js`), fetch(`${web.url}/healthz`)]);
    expect(others.map((response) => response.status)).toEqual([404, 200]);
    const page = securityHeaders(await fetch(`${gateway.url}/`));
    for (const response of others) expect(securityHeaders(response)).toEqual(page);
  });
});

describe('the local web image', () => {
  it('is laid out as web/Dockerfile and the chart lay it out', () => {
    const files = webImageFiles();
    expect(files.get('/usr/share/nginx/html')).toBe(WEB_ROOT);
    expect(files.get('/etc/nginx/conf.d/default.conf')).toBe(join(REPO_ROOT, 'web', 'nginx.conf'));
    const web = parseObjects(renderChart()).find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'aurora-web',
    );
    const mounts = (
      web?.['spec'] as {
        template: { spec: { containers: { volumeMounts: { name: string; mountPath: string }[] }[] } };
      }
    ).template.spec.containers[0]?.volumeMounts;
    expect(mounts).toContainEqual({ name: 'settings', mountPath: SETTINGS_MOUNT, readOnly: true });
  });
});

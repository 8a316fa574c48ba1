import { startStack, type Stack } from '@aurora/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * What the gateway does for the browser app beyond docs/API.md (README, "Web portal"): it serves the app with the
 * issuer to sign in with, and a CSV download can be a plain form post carrying the token in its body
 * (RFC 6750, 2.2), so the browser streams it to disk without the token in a URL.
 */

let warehouse: TestWarehouse;
let stack: Stack;
let webRoot: string;
let alice: string;

const QUERY = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  columns: ['global_sales.sale_id', 'global_sales.region'],
};

beforeAll(async () => {
  warehouse = await demoWarehouse(5_000);
  webRoot = mkdtempSync(join(tmpdir(), 'aurora-web-root-'));
  writeFileSync(join(webRoot, 'index.html'), '<html><head><title>Aurora</title></head><body></body></html>');
  stack = await startStack({ warehousePath: warehouse.path, env: { gateway: { WEB_ROOT: webRoot } } });
  alice = await stack.token('alice-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
  rmSync(webRoot, { recursive: true, force: true });
});

function form(fields: Record<string, string>, path = '/query/csv'): Promise<Response> {
  return fetch(`${stack.urls.api}${path}`, { method: 'POST', body: new URLSearchParams(fields) });
}

describe('the web app', () => {
  it('is served at any client-side route with the issuer to sign in with', async () => {
    const page = await get(`${stack.urls.gateway}/explore?q=abc`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(`<meta name="aurora-issuer" content="${stack.urls.issuer}" />`);
  });
});

describe('POST /query/csv as a form', () => {
  it('streams the CSV as an attachment named by the form', async () => {
    const response = await form({
      access_token: alice,
      query: JSON.stringify(QUERY),
      fileName: 'daily sales',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="daily_sales.csv"; filename*=UTF-8''daily_sales.csv`,
    );
    const [count] = await warehouse.rows(
      `SELECT count(*) FROM global_sales WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
    );
    const lines = (await response.text()).split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe('global_sales.sale_id,global_sales.region');
    expect(lines).toHaveLength(Number(count?.[0]) + 1);
  });

  it('refuses a form without a token, and a form token anywhere else', async () => {
    const anonymous = await form({ query: JSON.stringify(QUERY) });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="aurora"');
    const elsewhere = await form({ access_token: alice, query: JSON.stringify(QUERY) }, '/query/count');
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get('www-authenticate')).toBe('Bearer realm="aurora"');
    const forged = await form({ access_token: `${alice.slice(0, -4)}AAAA`, query: JSON.stringify(QUERY) });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toBe(
      'Bearer realm="aurora", error="invalid_token", error_description="The access token is invalid"',
    );
  });

  it('answers a form without a query with a problem, not a stream', async () => {
    const response = await form({ access_token: alice });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_QUERY', path: 'query' });
  });
});

import type { Query } from '../../api';
import { decodeView, encodeQuery, linkedQuery } from './url-state';

const QUERY: Query = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  joins: [
    {
      dataset: 'products',
      type: 'left',
      on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
    },
  ],
  columns: ['global_sales.region', 'products.category', 'global_sales.amount'],
  filter: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'condition', column: 'global_sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
      {
        kind: 'group',
        op: 'or',
        not: true,
        items: [{ kind: 'condition', column: 'products.category', operator: 'starts_with', value: 'Ké ✓' }],
      },
    ],
  },
  sort: [{ column: 'global_sales.amount', dir: 'desc' }],
};

const params = (entries: Record<string, string>) => new URLSearchParams(entries);

describe('URL state', () => {
  it('restores exactly the query it encoded, without the page', async () => {
    const q = await encodeQuery({ ...QUERY, page: { number: 3, size: 50 } });
    expect(q).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await decodeView(params({ q }))).toEqual({ kind: 'query', query: QUERY });
  });

  it('is shorter than the plain JSON', async () => {
    const q = await encodeQuery(QUERY);
    expect(q.length).toBeLessThan(JSON.stringify(QUERY).length);
  });

  it('names a dataset alone while no query can run yet', async () => {
    expect(await decodeView(params({ dataset: 'global_sales' }))).toEqual({
      kind: 'dataset',
      dataset: 'global_sales',
    });
    expect(await decodeView(params({}))).toEqual({ kind: 'none' });
  });

  it('refuses a link that inflates beyond a query body (1 MiB) without inflating it all', async () => {
    const bomb = new TextEncoder().encode(`{"dataset":"${'x'.repeat(4 * 1024 * 1024)}"}`);
    const deflated = new Uint8Array(
      await new Response(
        new Response(bomb).body?.pipeThrough(new CompressionStream('deflate-raw')),
      ).arrayBuffer(),
    );
    let binary = '';
    for (const byte of deflated) binary += String.fromCharCode(byte);
    const q = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expect(decodeView(params({ q }))).rejects.toThrow(/cut short/);
  });

  it('refuses a cut or foreign q with a readable message', async () => {
    const q = await encodeQuery(QUERY);
    await expect(decodeView(params({ q: q.slice(0, 20) }))).rejects.toThrow(/cannot read|cut short/);
    await expect(decodeView(params({ q: 'eyJhIjoxfQ' }))).rejects.toThrow(/Aurora can read/);
  });

  it('reads the query of a link into the explorer, and of nothing else', async () => {
    const q = await encodeQuery(QUERY);
    await expect(linkedQuery(`/explore?q=${q}`)).resolves.toEqual(QUERY);
    await expect(linkedQuery(`${location.origin}/explore?q=${q}`)).resolves.toEqual(QUERY);
    await expect(linkedQuery(`/reports?q=${q}`)).resolves.toBeNull();
    await expect(linkedQuery(`https://elsewhere.example/explore?q=${q}`)).resolves.toBeNull();
    await expect(linkedQuery('/explore?dataset=global_sales')).resolves.toBeNull();
    await expect(linkedQuery('/explore?q=not-a-view')).resolves.toBeNull();
  });
});

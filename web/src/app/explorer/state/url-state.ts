import type { Query } from '../../api';

/**
 * The whole view in the URL, so it can be bookmarked and shared: `?q=` holds the query model as JSON,
 * deflated and base64url-encoded (a nested filter of 20 conditions stays a few hundred characters), or
 * `?dataset=` while the view is not a runnable query yet (e.g. before a vintage is chosen).
 */
/** A query body is at most 1 MiB (docs/API.md); a link that inflates beyond that is not one this app wrote. */
const MAX_QUERY_BYTES = 1024 * 1024;

export type UrlView =
  | { readonly kind: 'query'; readonly query: Query }
  | { readonly kind: 'dataset'; readonly dataset: string }
  | { readonly kind: 'none' };

export async function encodeQuery(query: Query): Promise<string> {
  const rest = { ...query };
  delete rest.page; // paging belongs to the grid, not to the view
  const bytes = new TextEncoder().encode(JSON.stringify(rest));
  return base64UrlEncode(await transform(bytes, new CompressionStream('deflate-raw')));
}

/** The view a link names; throws a message for the person when `q` is not one this app wrote. */
export async function decodeView(params: { get(name: string): string | null }): Promise<UrlView> {
  const q = params.get('q');
  if (q) {
    let query: unknown;
    try {
      const bytes = await transform(
        base64UrlDecode(q),
        new DecompressionStream('deflate-raw'),
        MAX_QUERY_BYTES,
      );
      query = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Error('This link does not hold a view Aurora can read. It may have been cut short.');
    }
    if (!isQueryLike(query)) throw new Error('This link does not hold a view Aurora can read.');
    return { kind: 'query', query };
  }
  const dataset = params.get('dataset');
  return dataset ? { kind: 'dataset', dataset } : { kind: 'none' };
}

/**
 * The query of an in-app link to the explorer (`/explore?q=…`), or null for any other link or one that does not
 * decode: e.g. the page a sign-in returns to, whose data can be asked for before the explorer's code loads.
 */
export async function linkedQuery(url: string): Promise<Query | null> {
  const link = new URL(url, location.origin);
  if (link.origin !== location.origin || link.pathname !== '/explore') return null;
  const view = await decodeView(link.searchParams).catch(() => null);
  return view?.kind === 'query' ? view.query : null;
}

/** Only the shape the restore needs; the server validates the rest as it validates any query. */
function isQueryLike(value: unknown): value is Query {
  if (typeof value !== 'object' || value === null) return false;
  const query = value as Record<string, unknown>;
  return (
    typeof query['dataset'] === 'string' &&
    (query['columns'] === undefined || Array.isArray(query['columns'])) &&
    (query['joins'] === undefined || Array.isArray(query['joins'])) &&
    (query['sort'] === undefined || Array.isArray(query['sort']))
  );
}

/** Bytes through a (de)compression stream; past `limit` output bytes it stops and throws (a crafted link). */
async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit = Infinity,
): Promise<Uint8Array> {
  const input = new Response(bytes as BodyInit).body;
  if (!input) throw new Error('no body');
  const reader = input.pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`more than ${String(limit)} bytes`);
    }
    chunks.push(next.value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

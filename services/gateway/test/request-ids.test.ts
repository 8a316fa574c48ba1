import { startGateway, type GatewayProcess } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';

/**
 * docs/API.md, "Request ids": a client's X-Request-Id is taken only when it is a safe, bounded token (ASCII letters
 * and digits, then also `.`, `:` or `-`, 64 characters at most); anything else is replaced by a fresh id, and the
 * id echoed in the response is the one in the gateway's logs. Requests are written byte by byte on a socket, so
 * what a fetch client would refuse to send (CR, LF, non-ASCII, duplicates) reaches the gateway too.
 */

let gateway: GatewayProcess;

beforeAll(async () => {
  // Nothing behind it: the health route answers without metadata, query or the issuer.
  gateway = await startGateway({
    METADATA_GRPC_ADDRESS: '127.0.0.1:9',
    QUERY_GRPC_ADDRESS: '127.0.0.1:9',
    OIDC_ISSUER: 'http://127.0.0.1:9',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
}, 60_000);

afterAll(() => gateway.stop());

interface RawResponse {
  readonly status: number;
  /** Lower-case name → every value it was sent with. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

/** GET /api/v1/health/live with these raw `X-Request-Id` header values (bytes as given, one header each). */
function getWithRequestIds(...values: readonly Buffer[]): Promise<RawResponse> {
  const { port } = new URL(gateway.url);
  const head = Buffer.concat([
    Buffer.from('GET /api/v1/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n'),
    ...values.map((value) => Buffer.concat([Buffer.from('X-Request-Id: '), value, Buffer.from('\r\n')])),
    Buffer.from('\r\n'),
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [statusLine = '', ...lines] =
        Buffer.concat(chunks).toString('latin1').split('\r\n\r\n')[0]?.split('\r\n') ?? [];
      const headers = new Map<string, string[]>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers });
    });
  });
}

/** The one id the response echoes. */
function echoedId(response: RawResponse): string {
  const ids = response.headers.get('x-request-id') ?? [];
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

/** The gateway's `request` log line of the request with this id (written once the response is done). */
async function loggedRequest(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const line = gateway.process
      .output()
      .split('\n')
      .filter((text) => text.startsWith('{'))
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['message'] === 'request' && entry['request_id'] === id);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request log line with request_id ${id}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  it.each([
    ['a proxy-style id', 'from-the-proxy.1'],
    ['a UUID', randomUUID()],
    ['a trace id', '0af7651916cd43dd8448eb211c80319c'],
    ['colons', 'Root:1-5759e988'],
    ['64 characters', 'a'.repeat(64)],
  ])('%s is taken as it is, echoed and logged', async (_case, id) => {
    const response = await getWithRequestIds(Buffer.from(id));

    expect(response.status).toBe(200);
    expect(echoedId(response)).toBe(id);
    expect(await loggedRequest(id)).toMatchObject({ status: 200, route: '/api/v1/health/live' });
  });

  it.each([
    ['empty', ''],
    ['a space', 'a b'],
    ['double quotes', '"quoted"'],
    ['a single quote', "it's"],
    ['65 characters', 'a'.repeat(65)],
    ['128 characters', 'b'.repeat(128)],
    ['8,000 characters', 'c'.repeat(8_000)],
    ['non-ASCII (UTF-8)', 'id-é'],
    ['a symbol outside ASCII', 'id-☃'],
    ['a leading underscore', '_private'],
    ['an underscore', 'a_b'],
    ['a leading dash', '-rf'],
    ['dots only', '..'],
    ['a colon only', ':'],
    ['a percent-encoded CRLF', 'x%0D%0ASet-Cookie:a=1'],
    ['markup', '<script>'],
    ['a lookup expression', '${jndi:ldap://x}'],
  ])('%s is replaced by a fresh id, which is the one echoed and logged', async (_case, hostile) => {
    const response = await getWithRequestIds(Buffer.from(hostile, 'utf8'));

    expect(response.status).toBe(200);
    const id = echoedId(response);
    expect(id).toMatch(UUID);
    expect(await loggedRequest(id)).toMatchObject({ status: 200 });
    expect(gateway.process.output()).not.toContain(`"request_id":${JSON.stringify(hostile)}`);
  });

  it('sent twice (joined as "a, b") is replaced by one fresh id', async () => {
    const response = await getWithRequestIds(Buffer.from('a'), Buffer.from('b'));

    const id = echoedId(response);
    expect(id).toMatch(UUID);
    expect(await loggedRequest(id)).toMatchObject({ status: 200 });
  });

  it('holding a bare CR or LF is refused by the HTTP parser, and nothing of it is echoed', async () => {
    for (const hostile of ['abc\rX-Injected: 1', 'abc\nX-Injected: 1']) {
      const response = await getWithRequestIds(Buffer.from(hostile));

      expect(response.status).toBe(400);
      expect(response.headers.has('x-request-id')).toBe(false);
      expect(response.headers.has('x-injected')).toBe(false);
    }
  });

  it('followed by CRLF is only a header of its own: the id before it is taken, nothing is injected', async () => {
    const response = await getWithRequestIds(Buffer.from('abc\r\nX-Injected: 1'));

    expect(echoedId(response)).toBe('abc');
    expect(response.headers.has('x-injected')).toBe(false);
  });
});

// The local S3 of `npm start` and the tests: s3rver, plus what it lacks and real S3 and MinIO have.
// - Signature checks (sigv4.ts): s3rver serves anonymous requests and never computes a V4 signature, so anyone
//   reaching the port could list and read every export. A request must be signed, in its Authorization header or
//   as a presigned URL, with the pair S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (default S3RVER / S3RVER, the
//   services' defaults); anything else is a 403.
// - ListMultipartUploads (`GET /<bucket>?uploads`) and AbortMultipartUpload (`DELETE /<bucket>/<key>?uploadId=…`):
//   without them an aborted upload stays behind whatever the client does, and a test cannot ask whether one did.
// Optionally, uploads are throttled to a bandwidth (all connections together), so that a test can count on a
// large upload taking a while whatever the machine's speed. Run by `startS3()` and `npm start` as
// `node s3-server.js <directory> <address> <port> <bucket> [upload bytes per second]`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, connect, type AddressInfo, type Socket } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { verifySigV4, type Refusal } from './sigv4';

interface S3rverApp {
  configureBuckets(): Promise<unknown>;
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  readonly store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverApp;
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

const [directory, address, port, bucket, rate] = process.argv.slice(2);
const bytesPerSecond = Number(rate ?? 0);
if (!directory || !address || !port || !bucket) {
  process.stderr.write('usage: s3-server.js <directory> <address> <port> <bucket>\n');
  process.exit(2);
}
mkdirSync(directory, { recursive: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types
const S3rver = require('s3rver') as S3rverClass;
// s3rver looks the key id of a signed request up in its own registry (it knows only S3RVER): add ours.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };
const accessKeyId = process.env['S3_ACCESS_KEY_ID'] ?? 'S3RVER';
const secrets = new Map([[accessKeyId, process.env['S3_SECRET_ACCESS_KEY'] ?? 'S3RVER']]);
DUMMY_ACCOUNT.createKeyPair(accessKeyId, secrets.get(accessKeyId) ?? '');
const app = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
const handle = app.callback();

const xml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function uploadsDir(bucketName: string): string {
  return app.store.getResourcePath(bucketName, undefined, 'uploads');
}

interface PendingUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

function pendingUploads(bucketName: string): PendingUpload[] {
  const dir = uploadsDir(bucketName);
  let ids: string[];
  try {
    ids = readdirSync(dir);
  } catch {
    return [];
  }
  return ids.flatMap((uploadId) => {
    try {
      const key = readFileSync(join(dir, uploadId, 'key'), 'utf8');
      return [{ key, uploadId, initiated: statSync(join(dir, uploadId)).mtime }];
    } catch {
      return []; // completed or aborted meanwhile
    }
  });
}

function reply(response: ServerResponse, status: number, body = ''): void {
  response.writeHead(status, body ? { 'content-type': 'application/xml' } : {});
  response.end(body);
}

/** S3's answer to a request that is not signed by our key pair. */
function refuse(response: ServerResponse, refusal: Refusal): void {
  reply(
    response,
    403,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${refusal.code}</Code><Message>${xml(refusal.message)}</Message></Error>`,
  );
}

/** Answers the two multipart calls; false for everything else (s3rver answers those). */
function multipart(request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://s3');
  const [, bucketName, ...rest] = url.pathname.split('/');
  const keyParts = rest.length === 1 && rest[0] === '' ? [] : rest; // `/<bucket>/?uploads`
  if (!bucketName) return false;
  if (request.method === 'GET' && keyParts.length === 0 && url.searchParams.has('uploads')) {
    const prefix = url.searchParams.get('prefix') ?? '';
    const uploads = pendingUploads(decodeURIComponent(bucketName))
      .filter((u) => u.key.startsWith(prefix))
      .sort((a, b) => a.key.localeCompare(b.key));
    reply(
      response,
      200,
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${xml(decodeURIComponent(bucketName))}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
        `<Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
        uploads
          .map(
            (u) =>
              `<Upload><Key>${xml(u.key)}</Key><UploadId>${xml(u.uploadId)}</UploadId>` +
              `<Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
          )
          .join('') +
        '</ListMultipartUploadsResult>',
    );
    return true;
  }
  const uploadId = url.searchParams.get('uploadId');
  if (request.method === 'DELETE' && keyParts.length > 0 && uploadId !== null) {
    const key = keyParts.map(decodeURIComponent).join('/');
    const upload = pendingUploads(decodeURIComponent(bucketName)).find(
      (u) => u.uploadId === uploadId && u.key === key,
    );
    if (!upload) {
      reply(
        response,
        404,
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
          '<Message>The specified multipart upload does not exist.</Message></Error>',
      );
      return true;
    }
    rmSync(join(uploadsDir(decodeURIComponent(bucketName)), uploadId), { recursive: true, force: true });
    reply(response, 204);
    return true;
  }
  return false;
}

/** Time (ms since the epoch) at which the shared upload bandwidth is free again. */
let bandwidthFreeAt = 0;

/** Client → server bytes go out no faster than `bytesPerSecond` (all connections together); replies are not slowed. */
function throttledProxy(client: Socket, upstreamPort: number): void {
  const upstream = connect(upstreamPort, '127.0.0.1');
  let pending = 0;
  let ended = false;
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  upstream.pipe(client);
  client.on('data', (chunk: Buffer) => {
    const now = Date.now();
    bandwidthFreeAt = Math.max(now, bandwidthFreeAt) + (chunk.length / bytesPerSecond) * 1000;
    const wait = bandwidthFreeAt - now;
    if (wait < 2) {
      upstream.write(chunk);
      return;
    }
    pending += 1;
    client.pause();
    setTimeout(() => {
      pending -= 1;
      if (!upstream.destroyed) upstream.write(chunk);
      if (ended && pending === 0) upstream.end();
      client.resume();
    }, wait);
  });
  client.on('end', () => {
    ended = true;
    if (pending === 0) upstream.end();
  });
}

void app.configureBuckets().then(() => {
  const server = createServer((request, response) => {
    // A CORS preflight is never signed (browsers send no credentials with it); s3rver answers it.
    const refusal =
      request.method === 'OPTIONS'
        ? null
        : verifySigV4(
            { method: request.method ?? '', url: request.url ?? '/', headers: request.headers },
            secrets,
          );
    if (refusal) refuse(response, refusal);
    else if (!multipart(request, response)) handle(request, response);
  });
  const announce = (): void => {
    const throttle = bytesPerSecond > 0 ? `, uploads at ${bytesPerSecond} bytes/s` : '';
    process.stdout.write(
      `S3 (s3rver, signed requests only) listening on http://${address}:${port}, bucket ${bucket}${throttle}\n`,
    );
  };
  if (bytesPerSecond > 0) {
    server.listen(0, '127.0.0.1', () => {
      const upstreamPort = (server.address() as AddressInfo).port;
      createTcpServer((client) => throttledProxy(client, upstreamPort)).listen(
        Number(port),
        address,
        announce,
      );
    });
  } else {
    server.listen(Number(port), address, announce);
  }
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});

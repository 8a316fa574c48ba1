import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startS3, type RunningServer } from '@aurora/testing';
import { Readable } from 'node:stream';
import { ObjectStore } from '../src';

/**
 * The embedded S3 of `npm start` and the tests (docs/OPERATIONS.md, "Local S3") serves only requests signed with
 * its key pair (AWS Signature V4, in the Authorization header or as a presigned URL): anonymous ones, and ones
 * signed with another key, are 403 whatever they ask.
 */

const BUCKET = 'aurora-exports';
const KEY = 'exports/report.csv';
const CONTENT = 'region,amount\r\nEMEA,1\r\n';

let s3: RunningServer;
let store: ObjectStore;

function client(accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: s3.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** The S3 error code of an XML error body. */
async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

beforeAll(async () => {
  s3 = await startS3(BUCKET);
  store = new ObjectStore({
    endpoint: s3.url,
    region: 'us-east-1',
    bucket: BUCKET,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
  await store.upload(KEY, Readable.from([CONTENT]), 'text/csv', new AbortController().signal);
});

afterAll(async () => {
  store.close();
  await s3.remove();
});

describe('the embedded S3', () => {
  it.each([
    ['GET an object', 'GET', `/${BUCKET}/${KEY}`],
    ['HEAD an object', 'HEAD', `/${BUCKET}/${KEY}`],
    ['list a bucket', 'GET', `/${BUCKET}`],
    ['list a bucket (V2)', 'GET', `/${BUCKET}?list-type=2`],
    ['list the buckets', 'GET', '/'],
    ['list multipart uploads', 'GET', `/${BUCKET}?uploads`],
    ['abort a multipart upload', 'DELETE', `/${BUCKET}/${KEY}?uploadId=x`],
    ['PUT an object', 'PUT', `/${BUCKET}/planted.txt`],
    ['DELETE an object', 'DELETE', `/${BUCKET}/${KEY}`],
  ])('refuses an anonymous request to %s with 403', async (_case, method, path) => {
    const response = await fetch(`${s3.url}${path}`, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });

    expect(response.status).toBe(403);
    if (method !== 'HEAD') expect(await errorCode(response)).toBe('AccessDenied');
  });

  it('keeps what an anonymous request tried to change', async () => {
    await fetch(`${s3.url}/${BUCKET}/${KEY}`, { method: 'DELETE' });
    await fetch(`${s3.url}/${BUCKET}/planted.txt`, { method: 'PUT', body: 'x' });

    const listed = await client('S3RVER', 'S3RVER').send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((listed.Contents ?? []).map((object) => object.Key)).not.toContain('planted.txt');
    expect((listed.Contents ?? []).map((object) => object.Key)).toContain(KEY);
  });

  it('serves requests signed with its key pair (Authorization header)', async () => {
    const got = await client('S3RVER', 'S3RVER').send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));

    expect(await got.Body?.transformToString()).toBe(CONTENT);
    expect(await store.abortIncompleteUploads(KEY)).toBe(0); // ListMultipartUploads, signed
  });

  it('takes a signed multipart upload (two parts of a 9 MB stream)', async () => {
    const body = Buffer.alloc(9 * 1024 * 1024, 'a');
    await store.upload('exports/large.csv', Readable.from([body]), 'text/csv', new AbortController().signal);

    const got = await client('S3RVER', 'S3RVER').send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'exports/large.csv' }),
    );
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
  });

  it('serves a presigned download link, with the file name it was signed for', async () => {
    const url = await store.presignDownload(KEY, 'report ☃.csv', 900);
    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(CONTENT);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="report _.csv"; filename*=UTF-8''report%20%E2%98%83.csv`,
    );
  });

  it('refuses a presigned link whose key, file name or signature was changed', async () => {
    const url = new URL(await store.presignDownload(KEY, 'report.csv', 900));
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/exports/other.csv`;
    const otherName = new URL(url);
    otherName.searchParams.set('response-content-disposition', 'attachment; filename="evil.exe"');
    const otherSignature = new URL(url);
    otherSignature.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const unsigned = new URL(url);
    unsigned.searchParams.delete('X-Amz-Signature');

    for (const tampered of [otherKey, otherName, otherSignature]) {
      const response = await fetch(tampered);
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
    }
    expect((await fetch(unsigned)).status).toBe(403);
  });

  it('refuses a presigned link once it has expired', async () => {
    const url = await getSignedUrl(
      client('S3RVER', 'S3RVER'),
      new GetObjectCommand({ Bucket: BUCKET, Key: KEY }),
      { expiresIn: 60, signingDate: new Date(Date.now() - 61_000) },
    );
    const response = await fetch(url);

    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('AccessDenied');
  });

  it('refuses requests signed with another secret or an unknown key id', async () => {
    await expect(
      client('S3RVER', 'not-the-secret').send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    await expect(
      client('SOMEONE', 'S3RVER').send(new ListObjectsV2Command({ Bucket: BUCKET })),
    ).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
  });
});

// AWS Signature Version 4 as S3 checks it, for the embedded S3 server (s3-server.ts): s3rver 3.7 takes anonymous
// requests and does not compute V4 signatures at all (its authentication middleware says so), so every request is
// checked here first. Both forms are verified: the Authorization header and the presigned URL (query
// parameters). The payload hash the client declares (x-amz-content-sha256) is part of what is signed, but the body
// is not hashed against it: this decides who may call, not whether a body arrived intact.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  readonly method: string;
  /** The request target as received: path and query, still percent-encoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** Why a request was refused: the S3 error code and message. */
export interface Refusal {
  readonly code: 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed';
  readonly message: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a header-signed request's time may be from the server's (S3's own bound). */
const MAX_SKEW_MS = 15 * 60_000;
/** The longest a presigned URL may live (S3's own bound: 7 days). */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** Null when the request is signed by one of `secrets` (access key id → secret key), else why not. */
export function verifySigV4(
  request: SignedRequest,
  secrets: ReadonlyMap<string, string>,
  now = Date.now(),
): Refusal | null {
  const { path, query } = splitTarget(request.url);
  const presigned = query.some(([name]) => name === 'X-Amz-Algorithm');
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined && !presigned) return denied('Access Denied');
  if (authorization !== undefined && presigned) return denied('Only one auth mechanism allowed');
  const parts = presigned ? fromQuery(query, now) : fromHeader(authorization ?? '', request.headers, now);
  if ('code' in parts) return parts;

  const secret = secrets.get(parts.accessKeyId);
  if (secret === undefined) {
    return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist.' };
  }
  const signedHeaders = parts.signedHeaders.split(';');
  if (!signedHeaders.includes('host')) return denied('The host header must be signed');
  const canonicalRequest = [
    request.method,
    canonicalPath(path),
    canonicalQuery(query.filter(([name]) => name !== 'X-Amz-Signature')),
    ...signedHeaders.map((name) => `${name}:${canonicalValue(header(request.headers, name) ?? '')}`),
    '',
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, parts.amzDate, parts.scope, sha256(canonicalRequest)].join('\n');
  const [date = '', region = '', service = ''] = parts.scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign).toString('hex');
  return equal(expected, parts.signature)
    ? null
    : { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match yours.' };
}

interface SignatureParts {
  readonly accessKeyId: string;
  readonly scope: string;
  readonly amzDate: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly payloadHash: string;
}

function fromHeader(
  authorization: string,
  headers: IncomingHttpHeaders,
  now: number,
): SignatureParts | Refusal {
  const match =
    /^AWS4-HMAC-SHA256 +Credential=([^,]+), *SignedHeaders=([^,]+), *Signature=([0-9a-f]{64})$/.exec(
      authorization.trim(),
    );
  if (!match) return denied('The authorization header is malformed');
  const [, credential = '', signedHeaders = '', signature = ''] = match;
  const amzDate = header(headers, 'x-amz-date') ?? '';
  const payloadHash = header(headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) return denied('Missing required header x-amz-content-sha256');
  const time = parseAmzDate(amzDate);
  if (time === null) return denied('AWS authentication requires a valid x-amz-date header');
  if (Math.abs(now - time) > MAX_SKEW_MS) {
    return {
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and now is too large.',
    };
  }
  return withCredential(credential, amzDate, { signedHeaders, signature, payloadHash });
}

function fromQuery(query: readonly (readonly [string, string])[], now: number): SignatureParts | Refusal {
  const get = (name: string): string => query.find(([key]) => key === name)?.[1] ?? '';
  if (get('X-Amz-Algorithm') !== ALGORITHM) return denied('X-Amz-Algorithm must be AWS4-HMAC-SHA256');
  const amzDate = get('X-Amz-Date');
  const time = parseAmzDate(amzDate);
  const expires = Number(get('X-Amz-Expires'));
  if (time === null || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    return denied('X-Amz-Date and X-Amz-Expires (1 s to 7 days) are required');
  }
  if (time - now > MAX_SKEW_MS) return denied('Request is not valid yet');
  if (now > time + expires * 1000) return denied('Request has expired');
  const signature = get('X-Amz-Signature');
  if (!/^[0-9a-f]{64}$/.test(signature)) return denied('X-Amz-Signature is malformed');
  return withCredential(get('X-Amz-Credential'), amzDate, {
    signedHeaders: get('X-Amz-SignedHeaders'),
    signature,
    payloadHash: get('X-Amz-Content-Sha256') || 'UNSIGNED-PAYLOAD',
  });
}

/** `<key id>/<yyyymmdd>/<region>/s3/aws4_request`, dated the day of the request. */
function withCredential(
  credential: string,
  amzDate: string,
  rest: Pick<SignatureParts, 'signedHeaders' | 'signature' | 'payloadHash'>,
): SignatureParts | Refusal {
  const [accessKeyId = '', date, region, service, terminator, ...extra] = credential.split('/');
  if (
    date !== amzDate.slice(0, 8) ||
    !region ||
    service !== 's3' ||
    terminator !== 'aws4_request' ||
    extra.length
  ) {
    return denied('The credential scope is malformed');
  }
  return { accessKeyId, scope: [date, region, service, terminator].join('/'), amzDate, ...rest };
}

/** The path and the query's name/value pairs, decoded (a pair that cannot be decoded is kept as it came). */
function splitTarget(url: string): { path: string; query: [string, string][] } {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const raw = mark < 0 ? '' : url.slice(mark + 1);
  const query = raw
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string] => {
      const equals = pair.indexOf('=');
      return equals < 0
        ? [decode(pair), '']
        : [decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))];
    });
  return { path, query };
}

/** Each segment encoded once, the way S3 signs it (no normalisation of `.` or `//`). */
function canonicalPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encode(decode(segment)))
    .join('/');
}

function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return query
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `yyyymmddThhmmssZ` → ms since the epoch, or null. */
function parseAmzDate(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer =>
  createHmac('sha256', key).update(text, 'utf8').digest();

function equal(expected: string, given: string): boolean {
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}

const denied = (message: string): Refusal => ({ code: 'AccessDenied', message });

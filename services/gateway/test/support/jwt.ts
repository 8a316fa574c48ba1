import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** JSON Web Tokens by hand (node:crypto only), for tokens no honest issuer would hand out. */

function encode(part: unknown): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

function decode(part: string | undefined): Record<string, unknown> {
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The claims of a JWT, unverified. */
export function jwtClaims(token: string): Record<string, unknown> {
  return decode(token.split('.')[1]);
}

/** The protected header of a JWT, unverified. */
export function jwtHeader(token: string): Record<string, unknown> {
  return decode(token.split('.')[0]);
}

/** A JWS in compact form; `signature` signs the `header.payload` bytes. */
export function compactJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature: (input: Buffer) => Buffer,
): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${signature(Buffer.from(input)).toString('base64url')}`;
}

/** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with the given private key. */
export function rs256(privateKey: KeyObject): (input: Buffer) => Buffer {
  return (input) => sign('sha256', input, privateKey);
}

/** HS256 (HMAC with SHA-256) with a shared secret. */
export function hs256(secret: string | Buffer): (input: Buffer) => Buffer {
  return (input) => createHmac('sha256', secret).update(input).digest();
}

/** A fresh RSA key pair that no issuer knows. */
export function strangerKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

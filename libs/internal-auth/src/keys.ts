import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';

/** An Ed25519 key as a JWK (RFC 8037), named by `kid` so verifiers can hold two during a rotation. */
const publicJwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  kid: z.string().regex(/^[\w.:-]{1,64}$/, 'a kid of 1 to 64 letters, digits, or . : _ -'),
});
const privateJwk = publicJwk.extend({ d: z.string().min(1) });

export type PublicJwk = z.infer<typeof publicJwk>;
export type PrivateJwk = z.infer<typeof privateJwk>;
/** The public keys a service accepts, per issuer: `{ "aurora-gateway": { "keys": [ … ] }, … }`. */
export type TrustedKeys = Readonly<Record<string, { readonly keys: readonly PublicJwk[] }>>;

const json = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'is not JSON' });
    return z.NEVER;
  }
});

/** `INTERNAL_SIGNING_KEY`: the private JWK this service signs with (from a Secret). */
export const signingKeyEnv = {
  INTERNAL_SIGNING_KEY: json.pipe(privateJwk),
};

/** `INTERNAL_TRUSTED_KEYS`: the public keys per issuer that this service accepts (public, a ConfigMap). */
export const trustedKeysEnv = {
  INTERNAL_TRUSTED_KEYS: json.pipe(
    z.record(z.string(), z.object({ keys: z.array(publicJwk).min(1).max(4) })),
  ),
};

/** A new signing key and its public half (`npm run internal-key`, the test harness and `npm start`). */
export function generateSigningKey(kid: string): { signingKey: PrivateJwk; publicKey: PublicJwk } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const signingKey = privateJwk.parse({ ...jwk, kid });
  return { signingKey, publicKey: publicHalf(signingKey) };
}

export function publicHalf(key: PrivateJwk): PublicJwk {
  return { kty: key.kty, crv: key.crv, x: key.x, kid: key.kid };
}

import { AuroraError, ErrorCode } from '@aurora/errors';
import { Metadata } from '@grpc/grpc-js';

/** The verified caller: from the token's `sub`, `name` and `groups` claims, and its other claims as attributes. */
export interface Principal {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly string[];
  /**
   * The token's other claims that row-level security may name (`claims.regions`), each as a list of strings.
   * Absent or missing a claim, a policy naming it matches no rows.
   */
  readonly attributes?: PrincipalAttributes;
}

export type PrincipalAttributes = Readonly<Record<string, readonly string[]>>;

/** Claims that say who and how, never what a user may see: not attributes. */
const NOT_ATTRIBUTES = new Set(
  'iss sub aud exp nbf iat jti azp scope client_id name groups auth_time nonce acr amr sid at_hash typ act attributes'.split(
    ' ',
  ),
);
export const ATTRIBUTE_LIMITS = { claims: 32, values: 500, valueLength: 256 } as const;

/**
 * The attributes of a token's claims: each string, number or boolean claim, or array of them, as strings.
 * Bounded (ATTRIBUTE_LIMITS): a claim past the limits is left out, which can only narrow what a policy lets
 * its holder see.
 */
export function principalAttributes(claims: Readonly<Record<string, unknown>>): PrincipalAttributes {
  const attributes: Record<string, readonly string[]> = {};
  let count = 0;
  for (const [name, value] of Object.entries(claims)) {
    if (NOT_ATTRIBUTES.has(name) || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) continue;
    const values = (Array.isArray(value) ? (value as unknown[]) : [value]).map(scalarText);
    if (values.length > ATTRIBUTE_LIMITS.values) continue;
    const texts = values.filter((v) => v !== null);
    if (texts.length !== values.length) continue;
    if (count++ >= ATTRIBUTE_LIMITS.claims) break;
    attributes[name] = texts;
  }
  return attributes;
}

function scalarText(value: unknown): string | null {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : null;
  return text !== null && text.length <= ATTRIBUTE_LIMITS.valueLength ? text : null;
}

/** A verified principal and the internal token it was verified from (passed on to the services it names). */
export interface Caller {
  readonly principal: Principal;
  readonly token: string;
}

const AUTHORIZATION = 'authorization';

/** The internal token travels as a bearer token in the call's metadata. */
export function bearerMetadata(token: string, metadata = new Metadata()): Metadata {
  metadata.set(AUTHORIZATION, `Bearer ${token}`);
  return metadata;
}

export function bearerFromMetadata(metadata: Metadata): string | undefined {
  const [value] = metadata.get(AUTHORIZATION);
  const match = typeof value === 'string' ? /^Bearer ([\w.~+/=-]+)$/i.exec(value) : null;
  return match?.[1];
}

// Filled only by the server's authentication step (@aurora/internal-auth), never from what a call says.
const verifiedCallers = new WeakMap<Metadata, Caller>();

export function bindVerifiedCaller(metadata: Metadata, caller: Caller): void {
  verifiedCallers.set(metadata, caller);
}

/** The call's verified caller; a call that was not verified is refused. */
export function callerOf(metadata: Metadata): Caller {
  const caller = verifiedCallers.get(metadata);
  if (!caller) throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'The call carries no verified principal.');
  return caller;
}

export function principalFromMetadata(metadata: Metadata): Principal {
  return callerOf(metadata).principal;
}

import { AuroraError, ErrorCode } from '@aurora/errors';
import { Metadata } from '@grpc/grpc-js';

/** The verified caller: from the token's `sub`, `name` and `groups` claims. */
export interface Principal {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly string[];
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

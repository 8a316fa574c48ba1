import { AuroraError, ErrorCode } from '@aurora/errors';
import { Metadata } from '@grpc/grpc-js';

/** The verified caller: from the token's `sub`, `name` and `groups` claims. */
export interface Principal {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly string[];
}

const SUB = 'x-aurora-sub';
const NAME = 'x-aurora-name';
const GROUPS = 'x-aurora-groups';

export function principalMetadata(principal: Principal, metadata = new Metadata()): Metadata {
  metadata.set(SUB, principal.sub);
  // Metadata values must be ASCII: a display name like "Zoë" travels URI-encoded.
  metadata.set(NAME, encodeURIComponent(principal.name));
  metadata.set(GROUPS, principal.groups.map(encodeURIComponent).join(','));
  return metadata;
}

/** Downstream services trust only what the gateway set; a call without a principal is refused. */
export function principalFromMetadata(metadata: Metadata): Principal {
  const [sub] = metadata.get(SUB);
  if (typeof sub !== 'string' || sub === '') {
    throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'The call carries no principal.');
  }
  const [name] = metadata.get(NAME);
  const [groups] = metadata.get(GROUPS);
  return {
    sub,
    name: typeof name === 'string' ? decodeURIComponent(name) : sub,
    groups: typeof groups === 'string' && groups !== '' ? groups.split(',').map(decodeURIComponent) : [],
  };
}

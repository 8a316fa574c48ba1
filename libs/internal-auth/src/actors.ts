import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Caller, Principal } from '@aurora/proto';
import { decodeJwt } from 'jose';
import { ISSUERS } from './names';

/**
 * The gateway's schedule runner: it calls the metadata service as this principal with `act.sub` naming it
 * (RFC 8693). A user's token from the gateway never carries `act`, so no user can pass for it.
 */
export const SCHEDULE_RUNNER = 'schedule-runner';
export const SCHEDULE_RUNNER_PRINCIPAL: Principal = {
  sub: 'aurora:schedule-runner',
  name: 'Schedule runner',
  groups: [],
};

/**
 * Refuses (PERMISSION_DENIED) a verified caller that is not the gateway acting as `actor`. The token was verified
 * by GrpcAuthentication before the handler ran; this reads its issuer and `act` claim.
 */
export function requireGatewayActor(caller: Caller, actor: string): void {
  const claims = decodeJwt(caller.token);
  const act = claims['act'] as { sub?: unknown } | undefined;
  if (
    claims.iss !== ISSUERS.gateway ||
    act?.sub !== actor ||
    caller.principal.sub !== SCHEDULE_RUNNER_PRINCIPAL.sub
  )
    throw new AuroraError(ErrorCode.FORBIDDEN, 'Only the gateway’s schedule runner may call this.');
}

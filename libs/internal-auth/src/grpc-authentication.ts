import { bearerFromMetadata, bindVerifiedCaller, type Principal } from '@aurora/proto';
import type { Metadata } from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { defer, switchMap, type Observable } from 'rxjs';
import type { TrustedKeys } from './keys';
import { ISSUERS, type Audience } from './names';
import { InternalTokenVerifier } from './tokens';

/**
 * Every gRPC call a service serves is verified before its handler runs: the internal token's signature,
 * audience and expiry. The handler then finds the principal with `callerOf(metadata)`; a call without a valid
 * token never reaches it and ends UNAUTHENTICATED. Register it after GrpcServerTelemetry, so refused calls are
 * counted and logged: `app.useGlobalInterceptors(new GrpcServerTelemetry(), new GrpcAuthentication(…))`.
 */
export class GrpcAuthentication implements NestInterceptor {
  /**
   * For a service of the read path (metadata, query): tokens of the gateway, and of the export worker acting
   * for a job's owner; nothing else is believed.
   */
  static forReadPath(
    trusted: TrustedKeys,
    audience: Audience,
    onVerified?: (principal: Principal) => void,
  ): GrpcAuthentication {
    const verifier = new InternalTokenVerifier(trusted, audience, [ISSUERS.gateway, ISSUERS.export]);
    return new GrpcAuthentication(verifier, onVerified);
  }

  constructor(
    private readonly verifier: InternalTokenVerifier,
    /** E.g. put the subject on the handler's log lines (`annotateRequest` of @aurora/observability). */
    private readonly onVerified: (principal: Principal) => void = () => undefined,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'rpc') return next.handle();
    const metadata = execution.getArgByIndex<Metadata>(1);
    return defer(async () => {
      const token = bearerFromMetadata(metadata);
      const { principal } = await this.verifier.verify(token);
      bindVerifiedCaller(metadata, { principal, token: token ?? '' });
      this.onVerified(principal);
    }).pipe(switchMap(() => next.handle()));
  }
}

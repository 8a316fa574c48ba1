import { AuroraError, ErrorCode } from '@aurora/errors';
import { annotateRequest, recordRateLimitRejection, routeOf } from '@aurora/observability';
import { SharedRateLimitStorage } from '@aurora/rate-limits';
import { InternalTokenIssuer } from '@aurora/internal-auth';
import type { Caller, Principal } from '@aurora/proto';
import {
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RATE_LIMIT_WINDOW_MS, type AuthenticatedRequest } from './auth.types';
import { TokenVerifier } from './token-verifier';
import { UnauthenticatedError } from './unauthenticated';

const PUBLIC = 'aurora:public';
/** Marks a route that needs no token (health only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

const FORM_TOKEN = 'aurora:form-token';
/**
 * Marks a route that also takes the token as an `access_token` field of a form-encoded body (RFC 6750, 2.2):
 * a browser can then stream the response to disk as a native download (a form post) without the token ever
 * being in a URL. Only for POST routes whose body is otherwise JSON, so a cross-site form cannot forge one.
 */
export const FormToken = (): MethodDecorator => SetMetadata(FORM_TOKEN, true);

/**
 * Every route needs a verified bearer token unless marked @Public(); the principal rides on the request, with
 * the internal token (RFC 8693 in spirit) that the gateway exchanged the user's token for.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly issuer: InternalTokenIssuer,
    private readonly reflector: Reflector,
    private readonly rateLimits: SharedRateLimitStorage,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.reflector.get<boolean>(FORM_TOKEN, context.getHandler())
      ? (bearer(request) ?? formToken(request))
      : bearer(request);
    if (!token) throw new UnauthenticatedError('missing');
    const principal = await this.verify(token, request, context.switchToHttp().getResponse<Response>());
    annotateRequest({ subject: principal.sub }); // on this request's log lines from now on
    // The user's token stays here: services behind the gateway get the gateway's own short-lived token.
    request.caller = { principal, token: await this.issuer.requestToken(principal) };
    return true;
  }

  /**
   * Rejected tokens count against the client address (`AUTH_FAILURES_PER_MINUTE`): past the budget the answer
   * is 429, so guessing or replaying tokens is slowed down and stands out in the rate-limit metrics. An expired
   * token that is otherwise valid is no guess: it is always 401 and never counted, so a client that refreshes
   * its token on 401 can always do so.
   */
  private async verify(token: string, request: Request, response: Response): Promise<Principal> {
    const verification = await this.verifier.verify(token);
    switch (verification.kind) {
      case 'valid':
        return verification.principal;
      case 'expired':
        throw new UnauthenticatedError('expired');
      case 'invalid':
        await this.countRejection(request, response);
        throw new UnauthenticatedError('invalid');
    }
  }

  /** Counts a rejected token; past the budget, refuses with 429 RATE_LIMITED and Retry-After instead. */
  private async countRejection(request: Request, response: Response): Promise<void> {
    const hit = await this.rateLimits.increment(
      `auth-failures:ip:${request.ip ?? 'unknown'}`,
      RATE_LIMIT_WINDOW_MS,
      this.config.AUTH_FAILURES_PER_MINUTE,
    );
    if (!hit.isBlocked) return;
    recordRateLimitRejection(routeOf(request, 429));
    response.setHeader('Retry-After', String(hit.timeToBlockExpire));
    throw new AuroraError(
      ErrorCode.RATE_LIMITED,
      'Too many rejected sign-in tokens from this address: wait a moment and try again.',
    );
  }
}

function bearer(request: Request): string | undefined {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

function formToken(request: Request): string | undefined {
  if (!request.is('application/x-www-form-urlencoded')) return undefined;
  const body: unknown = request.body;
  const token =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['access_token'] : undefined;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

function callerOf(context: ExecutionContext): Caller {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new UnauthenticatedError('missing');
  return caller;
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => callerOf(context).principal,
);

/** The principal with its internal token: for routes that call the services behind the gateway. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller =>
  callerOf(context),
);

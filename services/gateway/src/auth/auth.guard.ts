import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TokenVerifier } from './token-verifier';

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

export type AuthenticatedRequest = Request & { principal?: Principal };

/** Every route needs a verified bearer token unless marked @Public(); the principal rides on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.reflector.get<boolean>(FORM_TOKEN, context.getHandler())
      ? (bearer(request) ?? formToken(request))
      : bearer(request);
    if (!token) {
      throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'Sign in: this request needs a bearer access token.');
    }
    request.principal = await this.verifier.verify(token);
    return true;
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

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'Sign in: this request needs a bearer access token.');
    return principal;
  },
);

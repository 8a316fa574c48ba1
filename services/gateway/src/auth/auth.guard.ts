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
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'Sign in: this request needs a bearer access token.');
    }
    request.principal = await this.verifier.verify(token);
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'Sign in: this request needs a bearer access token.');
    return principal;
  },
);

import type { AuditAction } from '@aurora/audit';
import {
  Inject,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { Access, type AccessMode } from './access';
import { AuditTrail } from './audit-trail';

const AUDITED = 'aurora:audited';

interface AuditedRoute {
  readonly action: AuditAction;
  readonly mode: AccessMode;
}

/** Every data access and every change is recorded (docs/API.md, "Audit trail"): mark its handler with this. */
export const Audited = (action: AuditAction, mode: AccessMode = 'after'): MethodDecorator =>
  SetMetadata(AUDITED, { action, mode } satisfies AuditedRoute);

/**
 * Records each @Audited() request: the access is set up before the handler runs (announced first for streams'
 * and changes' sake), recorded before a passthrough answer leaves, and recorded as failed or refused when it
 * throws. A handler that sends its own answer (`@Res()`) records through sendPreview / sendCsv.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AuditTrail) private readonly trail: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const access = new Access(this.trail, request, route.action, route.mode);
    return defer(() =>
      access.run(async () => {
        if (route.mode === 'announce') await access.begin();
        try {
          const value: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await access.succeeded(value, response.statusCode);
          return value;
        } catch (error) {
          await access.failed(error);
          throw error;
        }
      }),
    );
  }
}

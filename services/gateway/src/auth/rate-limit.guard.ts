import { recordRateLimitRejection, routeOf } from '@aurora/observability';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.types';

/**
 * Per-user limits: keyed by the verified token subject, so two people behind one address each get their full
 * quota. Before authentication (health checks) it falls back to the client address, which Express derives
 * from X-Forwarded-For only through the configured number of trusted proxies.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { caller, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(caller ? `sub:${caller.principal.sub}` : `ip:${ip ?? 'unknown'}`);
  }

  /** One budget per user for the whole API, not one per endpoint (the default keys by route too). */
  protected override generateKey(_context: unknown, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  /** Counted by route (`aurora_rate_limit_rejections_total`), then refused as before. */
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    recordRateLimitRejection(routeOf(context.switchToHttp().getRequest<AuthenticatedRequest>(), 429));
    await super.throwThrottlingException(context, detail);
  }
}

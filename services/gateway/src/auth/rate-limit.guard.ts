import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.guard';

/**
 * Per-user limits: keyed by the verified token subject, so two people behind one address each get their full
 * quota. Before authentication (health checks) it falls back to the client address, which Express derives
 * from X-Forwarded-For only through the configured number of trusted proxies.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(principal ? `sub:${principal.sub}` : `ip:${ip ?? 'unknown'}`);
  }

  /** One budget per user for the whole API, not one per endpoint (the default keys by route too). */
  protected override generateKey(_context: unknown, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}

import {
  Inject,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.types';
import { QuerySlots } from './query-slots';

/**
 * Holds one of the caller's query slots from before the handler runs until the response ends, whichever way it
 * ends: sent, failed (the problem is a response too), or the client gone, so no route can forget a release. The
 * response's last bytes wait for the release (one NATS write): a client that sends its next query as soon as it
 * has the answer, to any replica, finds the slot free.
 */
@Injectable()
export class QuerySlotInterceptor implements NestInterceptor {
  constructor(@Inject(QuerySlots) private readonly slots: QuerySlots) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const caller = http.getRequest<AuthenticatedRequest>().caller;
    const response = http.getResponse<Response>();
    if (!caller) return next.handle(); // a public route runs no query
    const release = await this.slots.acquire(caller.principal.sub);
    if (response.closed || response.destroyed)
      await release(); // the client left while the slot was taken
    else releaseBeforeEnd(response, release);
    return next.handle();
  }
}

/** `release` runs before the response ends (or when the client leaves first); `end` then goes on as asked. */
function releaseBeforeEnd(response: Response, release: () => Promise<void>): void {
  const end = response.end.bind(response) as (...args: unknown[]) => Response;
  response.end = ((...args: unknown[]) => {
    void release().finally(() => end(...args));
    return response;
  }) as Response['end'];
  response.once('close', () => void release());
}

/** A route (or every route of a controller) that runs a query: it counts against QUOTA_CONCURRENT_QUERIES. */
export const RunsQuery = (): MethodDecorator & ClassDecorator => UseInterceptors(QuerySlotInterceptor);

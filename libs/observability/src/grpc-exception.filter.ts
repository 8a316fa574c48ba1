import { isAuroraError } from '@aurora/errors';
import { toGrpcErrorDetails } from '@aurora/proto';
import type { RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { logger } from './logger';

/**
 * Every error a gRPC handler throws leaves as a gRPC status: domain errors with their code, detail and path;
 * anything else as INTERNAL, logged here with its message and never sent. Registered as an instance
 * (`app.useGlobalFilters(new GrpcExceptionFilter())`); with no `@Catch()` types it catches everything, as
 * `@Catch()` would, and this library stays loadable without Nest (an ES module Jest cannot require).
 */
export class GrpcExceptionFilter implements RpcExceptionFilter {
  private readonly log = logger('grpc');

  catch(exception: unknown): Observable<never> {
    if (!isAuroraError(exception)) {
      this.log.error('unhandled error in a gRPC handler', {
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    return throwError(() => toGrpcErrorDetails(exception));
  }
}

import { isAuroraError } from '@aurora/errors';
import { toGrpcErrorDetails } from '@aurora/proto';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { logger } from './logger';

/**
 * Every error a gRPC handler throws leaves as a gRPC status: domain errors with their code, detail and path;
 * anything else as INTERNAL, logged here with its message and never sent.
 */
@Catch()
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

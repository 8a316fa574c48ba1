import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { fromGrpcError } from './errors';
import { bearerMetadata, type Caller } from './principal';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall;

/** A call on behalf of a verified caller: its internal token goes along, and the callee verifies it. */
export interface CallContext extends Caller {
  /** Propagated as the gRPC deadline, so the callee can give its engine the same budget. */
  readonly timeoutMs: number;
  /** Aborting cancels the call, and the callee stops its work. */
  readonly signal?: AbortSignal | undefined;
}

/** One unary call as a promise, with the caller's internal token, a deadline and cancellation. */
export function callUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  context: CallContext,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const call = method(
      request,
      bearerMetadata(context.token),
      { deadline: Date.now() + context.timeoutMs },
      (error, response) => {
        context.signal?.removeEventListener('abort', cancel);
        if (error) reject(fromGrpcError(error));
        else if (response === undefined) reject(new Error('empty gRPC response'));
        else resolve(response);
      },
    );
    const cancel = (): void => call.cancel();
    context.signal?.addEventListener('abort', cancel, { once: true });
  });
}

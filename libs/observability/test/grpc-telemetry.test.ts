import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { MetadataClient, loadAuroraPackage, type ListDatasetsResponse } from '@aurora/proto';
import { freePort, parsePrometheus } from '@aurora/testing';
import {
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  status,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { defer, lastValueFrom, NEVER, throwError } from 'rxjs';
import {
  GrpcServerTelemetry,
  grpcClientTelemetry,
  metricsRegistry,
  requestScope,
  runInRequestScope,
  withSpan,
} from '../src';
import { traceInMemory } from './support';

const alice = { sub: 'alice', name: 'Alice', groups: ['analysts'] };
/** A unary call on behalf of alice; this file's fake server checks no token (GrpcAuthentication does). */
const aliceCall = { principal: alice, token: 'token-of-alice', timeoutMs: 5000 };
let memory: ReturnType<typeof traceInMemory>;
beforeAll(() => {
  memory = traceInMemory();
});
afterEach(() => memory.reset());
afterAll(() => memory.tracing.shutdown());

async function counted(name: string, labels: Record<string, string>): Promise<number> {
  const family = parsePrometheus(await metricsRegistry().metrics()).get(name);
  const sample = family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value ?? 0;
}

describe('grpcClientTelemetry on a real grpc-js call', () => {
  let server: Server;
  let address: string;
  const seen: Metadata[] = [];

  beforeAll(async () => {
    const { v1 } = loadAuroraPackage().aurora;
    server = new Server();
    server.addService(v1.MetadataService.service, {
      ListDatasets: (call: ServerUnaryCall<object, ListDatasetsResponse>, done: sendUnaryData<object>) => {
        seen.push(call.metadata);
        done(null, { datasets: [] });
      },
      GetDataset: (_call: ServerUnaryCall<object, object>, done: sendUnaryData<object>) => {
        done({ code: status.NOT_FOUND, details: 'no' });
      },
      GetVintages: (_call: ServerUnaryCall<object, object>, done: sendUnaryData<object>) => {
        done({ code: status.UNIMPLEMENTED });
      },
    });
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  });
  afterAll(() => server.forceShutdown());

  function client() {
    const { v1 } = loadAuroraPackage().aurora;
    return new v1.MetadataService(address, credentials.createInsecure(), {
      interceptors: [grpcClientTelemetry()],
    });
  }

  it("sends the caller's trace context and request id, in a CLIENT span child of the caller's span", async () => {
    const metadata = client();
    const before = await counted('aurora_grpc_client_requests_total', {
      grpc_method: 'ListDatasets',
      grpc_code: 'OK',
    });
    let caller = '';
    await runInRequestScope({ requestId: 'req-42' }, () =>
      withSpan('POST /api/v1/query/preview', { kind: SpanKind.SERVER }, async (span) => {
        caller = span?.spanContext().spanId ?? '';
        await new MetadataClient(metadata).listDatasets(aliceCall);
      }),
    );
    metadata.close();
    const clientSpan = (await memory.spans()).find(
      (s) => s.name === 'aurora.v1.MetadataService/ListDatasets',
    );
    expect(clientSpan?.kind).toBe(SpanKind.CLIENT);
    expect(clientSpan?.parentSpanContext?.spanId).toBe(caller);
    const [traceparent] = seen.at(-1)?.get('traceparent') ?? [];
    expect(traceparent).toBe(
      `00-${clientSpan?.spanContext().traceId}-${clientSpan?.spanContext().spanId}-01`,
    );
    expect(seen.at(-1)?.get('x-request-id')).toEqual(['req-42']);
    expect(seen.at(-1)?.get('authorization')).toEqual(['Bearer token-of-alice']); // the token still travels
    expect(
      await counted('aurora_grpc_client_requests_total', {
        grpc_service: 'aurora.v1.MetadataService',
        grpc_method: 'ListDatasets',
        grpc_code: 'OK',
      }),
    ).toBe(before + 1);
  });

  it('counts a failed call by its status name and marks its span failed', async () => {
    const metadata = client();
    const call = new MetadataClient(metadata).getDataset('x', aliceCall);
    await expect(call).rejects.toThrow();
    metadata.close();
    expect(
      await counted('aurora_grpc_client_requests_total', {
        grpc_method: 'GetDataset',
        grpc_code: 'NOT_FOUND',
      }),
    ).toBe(1);
    const span = (await memory.spans()).find((s) => s.name === 'aurora.v1.MetadataService/GetDataset');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'NOT_FOUND' });
  });
});

describe('GrpcServerTelemetry (the Nest interceptor)', () => {
  function execution(metadata: Metadata, path = '/aurora.v1.QueryService/Preview'): ExecutionContext {
    const args = [{}, metadata, { getPath: () => path }];
    return {
      getType: () => 'rpc',
      getArgByIndex: (index: number) => args[index],
      getClass: () => Object,
      getHandler: () => Object,
    } as unknown as ExecutionContext;
  }
  const handler = (work: () => Promise<unknown>): CallHandler => ({ handle: () => defer(work) });

  it("continues the caller's trace and runs the handler in the caller's request scope", async () => {
    const metadata = new Metadata();
    metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    metadata.set('x-request-id', 'req-7');
    let scope: unknown;
    const result = await lastValueFrom(
      new GrpcServerTelemetry().intercept(
        execution(metadata),
        handler(() => {
          scope = { ...requestScope() };
          return withSpan('warehouse query', {}, () => Promise.resolve('rows'));
        }),
      ),
    );
    expect(result).toBe('rows');
    expect(scope).toEqual({ requestId: 'req-7' }); // the subject comes once GrpcAuthentication verified it
    const server = (await memory.spans()).find((s) => s.name === 'aurora.v1.QueryService/Preview');
    const child = (await memory.spans()).find((s) => s.name === 'warehouse query');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(child?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(
      await counted('aurora_grpc_server_requests_total', { grpc_method: 'Preview', grpc_code: 'OK' }),
    ).toBe(1);
  });

  it('counts an error by the status the exception filter sends for it', async () => {
    const failing = new GrpcServerTelemetry().intercept(
      execution(new Metadata(), '/aurora.v1.QueryService/Count'),
      { handle: () => throwError(() => new AuroraError(ErrorCode.INVALID_QUERY, 'bad')) },
    );
    await expect(lastValueFrom(failing)).rejects.toThrow(AuroraError);
    expect(
      await counted('aurora_grpc_server_requests_total', {
        grpc_method: 'Count',
        grpc_code: 'INVALID_ARGUMENT',
      }),
    ).toBe(1);
  });

  it('counts a call torn down before it completed (the client went away) as CANCELLED', async () => {
    const stream = new GrpcServerTelemetry().intercept(
      execution(new Metadata(), '/aurora.v1.QueryService/StreamRows'),
      { handle: () => NEVER },
    );
    stream.subscribe().unsubscribe();
    expect(
      await counted('aurora_grpc_server_requests_total', {
        grpc_method: 'StreamRows',
        grpc_code: 'CANCELLED',
      }),
    ).toBe(1);
  });

  it('gives a call without a request id one of its own', async () => {
    let scope: unknown;
    await lastValueFrom(
      new GrpcServerTelemetry().intercept(
        execution(new Metadata(), '/aurora.v1.QueryService/CompileSql'),
        handler(() => {
          scope = { ...requestScope() };
          return Promise.resolve(1);
        }),
      ),
    );
    expect(scope).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
  });
});

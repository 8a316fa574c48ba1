import { context, trace } from '@opentelemetry/api';
import { annotateRequest, logger, runInRequestScope, setLogLevel, tracer } from '../src';
import { capturedLogs, traceInMemory } from './support';

const { tracing } = traceInMemory();
afterAll(() => tracing.shutdown());
afterEach(() => setLogLevel('info'));

describe('logger', () => {
  const log = logger('unit');

  it('writes one JSON object a line: time, level, service, message and the fields', () => {
    const [line, ...rest] = capturedLogs(() => log.info('export started', { job: 'j1', rows: 3 }));
    expect(rest).toEqual([]);
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      level: 'info',
      service: 'unit',
      message: 'export started',
      job: 'j1',
      rows: 3,
    });
  });

  it('drops lines below LOG_LEVEL', () => {
    setLogLevel('warn');
    const lines = capturedLogs(() => {
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
    });
    expect(lines.map((l) => l['level'])).toEqual(['warn', 'error']);
  });

  it('carries the trace and span ids of the active span', () => {
    const span = tracer().startSpan('work');
    const [line] = capturedLogs(() =>
      context.with(trace.setSpan(context.active(), span), () => log.info('in')),
    );
    span.end();
    expect(line).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(capturedLogs(() => log.info('out'))[0]).not.toHaveProperty('trace_id');
  });

  it("carries the request's id and, once annotated, its subject", () => {
    const lines = capturedLogs(() =>
      runInRequestScope({ requestId: 'req-1' }, () => {
        log.info('before sign-in');
        annotateRequest({ subject: 'alice' });
        log.info('after sign-in');
      }),
    );
    expect(lines[0]).toMatchObject({ request_id: 'req-1' });
    expect(lines[0]).not.toHaveProperty('subject');
    expect(lines[1]).toMatchObject({ request_id: 'req-1', subject: 'alice' });
    expect(capturedLogs(() => log.info('outside'))[0]).not.toHaveProperty('request_id');
  });

  it('never writes credentials, whatever the level', () => {
    setLogLevel('debug');
    const [line] = capturedLogs(() =>
      log.debug('call', {
        authorization: 'Bearer eyJ',
        accessToken: 'eyJ',
        password: 'p',
        clientSecret: 's',
      }),
    );
    expect(line).toMatchObject({
      authorization: '[redacted]',
      accessToken: '[redacted]',
      password: '[redacted]',
      clientSecret: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toContain('eyJ');
  });

  it('writes what users asked for (query, filter values, SQL) at debug level only', () => {
    setLogLevel('debug');
    const fields = { kind: 'preview', queryJson: '{"filter":"ACME"}', values: ['ACME'], sql: 'SELECT 1' };
    const [info, debug] = capturedLogs(() => {
      log.info('query', fields);
      log.debug('query', fields);
    });
    expect(info).toMatchObject({ kind: 'preview' });
    expect(JSON.stringify(info)).not.toContain('ACME');
    expect(info).not.toHaveProperty('sql');
    expect(debug).toMatchObject(fields);
  });

  it('writes big integers as text instead of failing', () => {
    const [line] = capturedLogs(() => log.info('rows', { count: 2n ** 64n }));
    expect(line).toMatchObject({ count: '18446744073709551616' });
  });
});

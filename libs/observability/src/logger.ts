import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { requestScope } from './request-scope';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured JSON logs, one object a line, so any collector can parse them. Each line carries the trace and
 * span ids of the active span and the request id and subject of the request being served, when there are.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Credentials never reach a log line, whatever the level. */
const SECRET_FIELD = /authorization|token|password|secret|cookie|credential/i;
/** What users asked for (queries, filter values, SQL with its parameters) is written at debug level only. */
const USER_DATA_FIELD = /^(query|queryJson|filters?|params|values?|sql)$/i;

let threshold: LogLevel | undefined;

/** LOG_LEVEL is read on first use; services validate it at boot and may set it here. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function currentLevel(): LogLevel {
  threshold ??= LOG_LEVELS.find((level) => level === process.env['LOG_LEVEL']) ?? 'info';
  return threshold;
}

export function logger(service: string): Logger {
  const write = (level: LogLevel, message: string, fields: Record<string, unknown> = {}): void => {
    if (RANK[level] < RANK[currentLevel()]) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, service, message };
    const span = trace.getSpan(context.active())?.spanContext();
    if (span && isSpanContextValid(span)) {
      line['trace_id'] = span.traceId;
      line['span_id'] = span.spanId;
    }
    const scope = requestScope();
    if (scope?.requestId !== undefined) line['request_id'] = scope.requestId;
    if (scope?.subject !== undefined) line['subject'] = scope.subject;
    for (const [key, value] of Object.entries(fields)) {
      if (SECRET_FIELD.test(key)) line[key] = '[redacted]';
      else if (level === 'debug' || !USER_DATA_FIELD.test(key)) line[key] = value;
    }
    process.stdout.write(JSON.stringify(line, bigintsAsText) + '\n');
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

function bigintsAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

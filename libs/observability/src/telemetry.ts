import { z } from 'zod';
import { LOG_LEVELS, setLogLevel, type LogLevel } from './logger';
import { initMetrics } from './metrics/registry';
import { startTracing, TRACES_EXPORTERS, type Tracing } from './tracing';

/**
 * The telemetry variables every service validates at boot with its own (spread into its config schema):
 * `...telemetryEnv(9462)`. The OTel SDK reads the other standard OTEL_* variables itself.
 */
export function telemetryEnv(defaultMetricsPort: number) {
  return {
    /** The operations port: /metrics, /health/live, /health/ready (0: off). */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(defaultMetricsPort),
    /** All interfaces by default: Prometheus and the kubelet reach it on the pod's address. */
    /** Loopback unless set: the metrics server has no authentication (the chart binds it to the pod's address). */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    OTEL_TRACES_EXPORTER: z
      .string()
      .default('none')
      .refine(
        (value) =>
          value
            .split(',')
            .map((name) => name.trim())
            .every((name) => (TRACES_EXPORTERS as readonly string[]).includes(name)),
        { error: `a comma-separated list of ${TRACES_EXPORTERS.join(', ')}` },
      ),
    /** The service's own name unless set. */
    OTEL_SERVICE_NAME: z.string().optional(),
  };
}

export interface TelemetryConfig {
  readonly LOG_LEVEL: LogLevel;
  readonly OTEL_TRACES_EXPORTER: string;
  readonly OTEL_SERVICE_NAME?: string | undefined;
}

/**
 * Called first thing in a service's main: the log level, the `service` label and process metrics on the
 * process's registry, and tracing if an exporter is configured.
 */
export function startTelemetry(service: string, config: TelemetryConfig): Tracing {
  setLogLevel(config.LOG_LEVEL);
  initMetrics(service);
  return startTracing(config.OTEL_SERVICE_NAME ?? service, { exporter: config.OTEL_TRACES_EXPORTER });
}

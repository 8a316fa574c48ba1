import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * The one registry of this process (prom-client's global one stays unused, so nothing lands in /metrics by
 * accident). Every metric helper of this library registers here unless given another registry (tests).
 */
export function metricsRegistry(): Registry {
  processRegistry ??= new Registry();
  return processRegistry;
}

/** The `service` label on every series, and Node's process metrics (CPU, memory, event loop, GC, handles). */
export function initMetrics(service: string, registry: Registry = metricsRegistry()): Registry {
  registry.setDefaultLabels({ service });
  if (registry.getSingleMetric('process_cpu_seconds_total') === undefined) {
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/** Seconds. */
export const BUCKETS = {
  /** HTTP and gRPC calls: 5 ms … 1 min. */
  request: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  /** Queries: 5 ms … 10 min (streams run long). */
  query: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  /** Export jobs: 0.5 s … 1 h. */
  exportJob: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  /** Rows per second of an export job. */
  exportRate: [100, 1000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000],
} as const;

// Each family is made once per registry: hooks in different places of a service share it by name.

export function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing;
  return new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [registry] });
}

export function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** One value of a gauge read at scrape time. */
export interface Sample<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  readonly value: number;
}

export type SampleSource<L extends string> = () => readonly Sample<L>[] | Promise<readonly Sample<L>[]>;

const sources = new WeakMap<Gauge, SampleSource<string>[]>();

/**
 * A gauge whose values are read from `source` at each scrape (pool sizes, consumer backlogs), so it is never
 * stale and costs nothing between scrapes. Several sources may feed one gauge (e.g. two pools).
 */
export function sampledGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  source: SampleSource<L>,
): void {
  const existing = registry.getSingleMetric(name);
  let metric: Gauge;
  if (existing instanceof Gauge) metric = existing;
  else {
    const feeds: SampleSource<string>[] = [];
    metric = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const feed of feeds) {
          // A source that cannot answer (NATS down) leaves its series out; the rest of the scrape goes on.
          const samples: readonly Sample<string>[] = await Promise.resolve()
            .then(feed)
            .catch(() => []);
          for (const sample of samples) this.set(sample.labels, sample.value);
        }
      },
    });
    sources.set(metric, feeds);
  }
  sources.get(metric)?.push(source);
}

/** `2xx`, `4xx`… of an HTTP status. */
export function statusClass(status: number): string {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? `${hundreds}xx` : 'unknown';
}

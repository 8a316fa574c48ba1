import type { Registry } from 'prom-client';
import { metricsRegistry, sampledGauge } from './registry';

/** The pool gauges, read at each scrape from `stats` (a warehouse adapter's `poolStats()`). */
export function registerPoolGauges(
  dialect: string,
  stats: () => { readonly size: number; readonly inUse: number; readonly waiting: number },
  registry: Registry = metricsRegistry(),
): void {
  const labels = { dialect };
  const gauges = [
    ['aurora_warehouse_pool_size', 'Warehouse connections the pool holds', 'size'],
    ['aurora_warehouse_pool_in_use', 'Warehouse connections running a query', 'inUse'],
    ['aurora_warehouse_pool_waiting', 'Queries waiting for a warehouse connection', 'waiting'],
  ] as const;
  for (const [name, help, field] of gauges) {
    sampledGauge(registry, name, help, ['dialect'], () => [{ labels, value: stats()[field] }]);
  }
}

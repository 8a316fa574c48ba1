import { registerQuotaMetrics } from '@aurora/observability';
import { ConcurrencyLeases, SharedCounters } from '@aurora/rate-limits';
import { Module } from '@nestjs/common';
import { RateLimitModule } from '../auth/rate-limit.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { QuerySlotInterceptor } from './query-slot.interceptor';
import { QuerySlots } from './query-slots';

/** Per-user quotas held across replicas (docs/API.md, "Quotas"); the export quotas are the queue's (ExportsService). */
@Module({
  imports: [RateLimitModule],
  providers: [
    {
      provide: QuerySlots,
      inject: [GATEWAY_CONFIG, SharedCounters],
      useFactory: (config: GatewayConfig, counters: SharedCounters) => {
        const leases = new ConcurrencyLeases(counters, 'queries', config.QUOTA_LEASE_TTL_SECONDS * 1000);
        const slots = new QuerySlots(leases, config.QUOTA_CONCURRENT_QUERIES);
        registerQuotaMetrics(() => slots.heldHere());
        return slots;
      },
    },
    QuerySlotInterceptor,
  ],
  exports: [QuerySlots, QuerySlotInterceptor],
})
export class QuotaModule {}

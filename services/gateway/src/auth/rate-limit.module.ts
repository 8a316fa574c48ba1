import { natsClientSettings } from '@aurora/nats-access';
import { entryTtlMs, SharedCounters, SharedRateLimitStorage } from '@aurora/rate-limits';
import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RATE_LIMIT_WINDOW_MS } from './auth.types';

/**
 * The counters every replica shares, over one NATS connection (closed at shutdown by its own hook): the rate
 * limit's and the quota leases'.
 */
@Module({
  providers: [
    {
      provide: SharedCounters,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        SharedCounters.start(natsClientSettings('gateway', config), entryTtlMs(RATE_LIMIT_WINDOW_MS)),
    },
    {
      provide: SharedRateLimitStorage,
      inject: [SharedCounters],
      useFactory: (counters: SharedCounters) => SharedRateLimitStorage.over(counters),
    },
  ],
  exports: [SharedCounters, SharedRateLimitStorage],
})
export class RateLimitModule {}

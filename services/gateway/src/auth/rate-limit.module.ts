import { natsClientSettings } from '@aurora/nats-access';
import { SharedRateLimitStorage } from '@aurora/rate-limits';
import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RATE_LIMIT_WINDOW_MS } from './auth.types';

/** The counters every replica shares (closed at shutdown by the storage's own hook). */
@Module({
  providers: [
    {
      provide: SharedRateLimitStorage,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        SharedRateLimitStorage.start(natsClientSettings('gateway', config), RATE_LIMIT_WINDOW_MS),
    },
  ],
  exports: [SharedRateLimitStorage],
})
export class RateLimitModule {}

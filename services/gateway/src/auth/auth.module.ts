import { InternalTokenIssuer, ISSUERS } from '@aurora/internal-auth';
import { SharedRateLimitStorage } from '@aurora/rate-limits';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AuthGuard } from './auth.guard';
import { RATE_LIMIT_WINDOW_MS } from './auth.types';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitModule } from './rate-limit.module';
import { TokenVerifier } from './token-verifier';

/** Every route: a verified bearer token (unless @Public()), then the per-user rate limit. */
@Module({
  imports: [
    RateLimitModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [GATEWAY_CONFIG, SharedRateLimitStorage],
      useFactory: (config: GatewayConfig, storage: SharedRateLimitStorage) => ({
        throttlers: [{ ttl: RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
        storage,
      }),
    }),
  ],
  providers: [
    {
      provide: TokenVerifier,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new TokenVerifier({
          issuer: config.OIDC_ISSUER,
          audience: config.OIDC_AUDIENCE,
          algorithms: config.OIDC_ALGORITHMS,
        }),
    },
    {
      provide: InternalTokenIssuer,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new InternalTokenIssuer(ISSUERS.gateway, config.INTERNAL_SIGNING_KEY),
    },
    // Order matters: authenticate first, so the rate limit is keyed by the verified subject.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [InternalTokenIssuer],
})
export class AuthModule {}

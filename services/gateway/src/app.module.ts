import { SharedRateLimitStorage } from '@aurora/rate-limits';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DatasetsController } from './api/datasets.controller';
import { ExportsController } from './api/exports.controller';
import { ExportsService } from './api/exports.service';
import { HealthController } from './api/health.controller';
import { MeController } from './api/me.controller';
import { QueryController } from './api/query.controller';
import { AuthGuard } from './auth/auth.guard';
import { RATE_LIMIT_WINDOW_MS } from './auth/auth.types';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { TokenVerifier } from './auth/token-verifier';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { GrpcClients } from './http/grpc-clients';
import { ProblemFilter } from './http/problem.filter';

@Module({})
export class AppModule {
  static forConfig(config: GatewayConfig, clients: GrpcClients, exports: ExportsService): DynamicModule {
    const rateLimits = SharedRateLimitStorage.start(config.NATS_URL, RATE_LIMIT_WINDOW_MS);
    return {
      module: AppModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
          storage: rateLimits,
        }),
      ],
      controllers: [HealthController, MeController, DatasetsController, QueryController, ExportsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GrpcClients, useValue: clients },
        { provide: SharedRateLimitStorage, useValue: rateLimits },
        { provide: ExportsService, useValue: exports },
        {
          provide: TokenVerifier,
          useValue: new TokenVerifier({
            issuer: config.OIDC_ISSUER,
            audience: config.OIDC_AUDIENCE,
            algorithms: config.OIDC_ALGORITHMS,
          }),
        },
        // Order matters: authenticate first, so the rate limit is keyed by the verified subject.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}

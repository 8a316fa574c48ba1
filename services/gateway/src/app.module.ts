import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiModule } from './api/api.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { GatewayConfig } from './config';
import { GatewayConfigModule } from './config.module';
import { ProblemFilter } from './http/problem.filter';

/** The gateway: configuration, authentication and rate limits, the API; errors mapped once (ProblemFilter). */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [GatewayConfigModule.forRoot(config), AuditModule, AuthModule, ApiModule],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}

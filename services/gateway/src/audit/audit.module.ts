import { AuditStream } from '@aurora/audit';
import { natsClientSettings } from '@aurora/nats-access';
import { logger } from '@aurora/observability';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AuditTrail } from './audit-trail';
import { AuditInterceptor } from './audited';

const log = logger('gateway');
const AUDIT_STREAM = 'AUDIT_STREAM';

/** The audit trail: the stream records go to, the trail, and the interceptor of @Audited() routes. */
@Global()
@Module({
  providers: [
    {
      provide: AUDIT_STREAM,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        config.AUDIT_TRAIL === 'off'
          ? null
          : AuditStream.open(natsClientSettings('gateway', config), {
              name: 'aurora-gateway-audit',
              source: '/services/gateway',
              publishTimeoutMs: config.AUDIT_PUBLISH_TIMEOUT_MS,
              onConnectError: (error) => log.error('audit stream not reachable', { error: error.message }),
            }),
    },
    {
      provide: AuditTrail,
      inject: [GATEWAY_CONFIG, AUDIT_STREAM],
      useFactory: (config: GatewayConfig, stream: AuditStream | null) =>
        new AuditTrail({
          stream,
          filterValues: config.AUDIT_FILTER_VALUES,
          readers: config.AUDIT_READERS,
        }),
    },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditTrail],
})
export class AuditModule implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_STREAM) private readonly stream: AuditStream | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.stream?.close();
  }
}

import { InternalTokenIssuer } from '@aurora/internal-auth';
import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard';
import { GrpcClients } from '../http/grpc-clients';

const PROBE = { sub: 'health-probe', name: 'Health probe', groups: [] };

@ApiExcludeController()
@Public()
@Controller('api/v1/health')
export class HealthController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(InternalTokenIssuer) private readonly issuer: InternalTokenIssuer,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'up' };
  }

  /** Ready when both downstream services answer (the metadata service also accepts the gateway's token). */
  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    const context = { principal: PROBE, token: await this.issuer.requestToken(PROBE), timeoutMs: 2000 };
    const [catalog, reachable] = await Promise.allSettled([
      this.clients.metadata.listDatasets(context),
      this.clients.reachable(2000),
    ]);
    const ready = catalog.status === 'fulfilled' && reachable.status === 'fulfilled' && reachable.value;
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  }
}

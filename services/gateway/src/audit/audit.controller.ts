import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@aurora/audit';
import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Caller } from '@aurora/proto';
import { NO_NUL, parseBody } from '@aurora/query-model';
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { AuditTrail } from './audit-trail';

const text = (max: number) => z.string().max(max).regex(NO_NUL, 'must not hold NUL').default('');
const instant = z.iso.datetime({ offset: true }).or(z.literal('')).default('');

const AuditParams = z.strictObject({
  user: text(256),
  dataset: text(128),
  action: z.enum(AUDIT_ACTIONS).or(z.literal('')).default(''),
  outcome: z.enum(AUDIT_OUTCOMES).or(z.literal('')).default(''),
  from: instant,
  to: instant,
  cursor: z
    .string()
    .max(64)
    .regex(/^[\w-]*$/, 'must be a cursor this API gave out')
    .default(''),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit trail for audit readers (docs/API.md, "Audit trail"), read from the metadata service's index. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(AuditTrail) private readonly trail: AuditTrail,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query() params: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!this.trail.isReader(caller.principal))
      throw new AuroraError(ErrorCode.FORBIDDEN, 'Only audit readers may read the audit trail.');
    const request = parseBody(AuditParams, params, 'a valid audit query');
    if (request.from && request.to && request.from >= request.to)
      throw new AuroraError(ErrorCode.INVALID_QUERY, 'from must be before to.', 'from');
    const page = await this.clients.audit.list(
      request,
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return {
      items: page.entries.map(({ seq, recordJson }) => ({ seq, ...(JSON.parse(recordJson) as object) })),
      nextCursor: page.nextCursor || null,
    };
  }
}

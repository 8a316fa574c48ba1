import type { Principal } from '@aurora/proto';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditTrail } from '../audit/audit-trail';
import { CurrentPrincipal } from '../auth/auth.guard';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(@Inject(AuditTrail) private readonly trail: AuditTrail) {}

  /** `auditReader`: whether the web app shows the Audit page (the audit API checks again). */
  @Get()
  me(@CurrentPrincipal() principal: Principal) {
    const { sub, name, groups } = principal;
    return { sub, name, groups, auditReader: this.trail.isReader(principal) };
  }
}

import type { Principal } from '@aurora/proto';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  @Get()
  me(@CurrentPrincipal() principal: Principal): Principal {
    return { sub: principal.sub, name: principal.name, groups: principal.groups };
  }
}

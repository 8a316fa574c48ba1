import { utcDay } from '@aurora/export-jobs';
import type { Principal } from '@aurora/proto';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditTrail } from '../audit/audit-trail';
import { CurrentPrincipal } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { QuerySlots } from '../quota/query-slots';
import { ExportsService } from './exports.service';

/** How long /me waits for the export usage: an unreachable NATS must not hold up the portal's start. */
const USAGE_WAIT_MS = 1_000;

@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(QuerySlots) private readonly slots: QuerySlots,
    @Inject(ExportsService) private readonly exports: ExportsService,
    @Inject(AuditTrail) private readonly trail: AuditTrail,
  ) {}

  /**
   * Who the caller is, their use of each quota (`used` null: not known now; `limit` null: none), and
   * `auditReader`: whether the web app shows the Audit page (the audit API checks again).
   */
  @Get()
  async me(@CurrentPrincipal() principal: Principal) {
    const [queries, exports] = await Promise.all([
      this.slots.inUse(principal.sub).catch(() => null),
      within(this.exports.usage(principal), USAGE_WAIT_MS),
    ]);
    const limit = (value: number) => (value === 0 ? null : value);
    return {
      sub: principal.sub,
      name: principal.name,
      groups: principal.groups,
      auditReader: this.trail.isReader(principal),
      quotas: {
        concurrentQueries: { used: queries, limit: limit(this.config.QUOTA_CONCURRENT_QUERIES) },
        concurrentExports: {
          used: exports?.running ?? null,
          limit: limit(this.config.QUOTA_CONCURRENT_EXPORTS),
        },
        exportRowsPerDay: {
          used: exports?.rowsToday ?? null,
          limit: limit(this.config.QUOTA_EXPORT_ROWS_PER_DAY),
          resetsAt: utcDay(new Date()).resetsAt.toISOString(),
        },
      },
    };
  }
}

/** `work`'s answer, or null when it fails or takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

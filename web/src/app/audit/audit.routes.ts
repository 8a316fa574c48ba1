import type { Routes } from '@angular/router';
import { auditReaderGuard } from './audit-access';
import { AuditPage } from './audit.page';

/** `/audit`: the audit trail, for audit readers. */
export const AUDIT_ROUTES: Routes = [{ path: '', component: AuditPage, canActivate: [auditReaderGuard] }];

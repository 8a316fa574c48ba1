import { Injectable, effect, inject, signal } from '@angular/core';
import type { CanActivateFn } from '@angular/router';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { AuditApi } from './audit.api';

/**
 * Whether the signed-in user may read the audit trail, as the gateway's `/me` says: the navigation shows the Audit
 * page only then. The API decides again on every request; this only avoids offering a page that would be refused.
 */
@Injectable({ providedIn: 'root' })
export class AuditAccess {
  private readonly api = inject(AuditApi);
  readonly reader = signal(false);
  private known: Promise<boolean> | undefined;

  constructor() {
    const auth = inject(AuthService);
    effect(() => {
      const user = auth.user();
      this.known = undefined;
      this.reader.set(false);
      if (user) void this.check();
    });
  }

  check(): Promise<boolean> {
    this.known ??= firstValueFrom(this.api.me()).then(
      (me) => {
        this.reader.set(me.auditReader === true);
        return this.reader();
      },
      () => false,
    );
    return this.known;
  }
}

/** `/audit` for audit readers only; anyone else goes back to the explorer. */
export const auditReaderGuard: CanActivateFn = async () => {
  const router = inject(Router);
  return (await inject(AuditAccess).check()) ? true : router.createUrlTree(['/explore']);
};

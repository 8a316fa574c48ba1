import { ChangeDetectionStrategy, Component, computed, effect, inject, untracked } from '@angular/core';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { AuditAccess } from './audit/audit-access';
import { AuthService } from './auth/auth.service';
import { ExportsStore } from './exports/exports.store';
import { JobsDrawerComponent } from './exports/jobs-drawer.component';
import { NotificationBellComponent } from './notifications/notification-bell.component';
import { FirstPage } from './ui/first-page';
import { IconComponent } from './ui/icon.component';

@Component({
  selector: 'au-root',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    IconComponent,
    JobsDrawerComponent,
    NotificationBellComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex h-screen flex-col">
      <header class="flex h-10 shrink-0 items-center gap-3 bg-navy-800 px-3 text-white shadow">
        <span class="flex items-center gap-2 font-semibold tracking-wide">
          <img src="favicon.svg" alt="" class="h-5 w-5" /> Aurora
        </span>
        <span class="text-xs text-slate-400">Self-service reporting</span>
        @if (auth.user()) {
          <nav class="ml-4 flex gap-1 text-xs" aria-label="Sections">
            @for (link of sections(); track link.path) {
              <a
                [routerLink]="link.path"
                routerLinkActive="bg-navy-700 text-white"
                ariaCurrentWhenActive="page"
                class="rounded-full px-3 py-0.5 text-slate-300 hover:text-white"
                [attr.data-testid]="'nav-' + link.label.toLowerCase()"
                >{{ link.label }}</a
              >
            }
          </nav>
        }
        <span class="flex-1"></span>
        @if (auth.user(); as user) {
          <!-- The bell is a lazy chunk, loaded (and its stream opened) once the first page is on screen. -->
          @defer (when bellReady()) {
            <au-notification-bell />
          }
          <button
            type="button"
            class="relative inline-flex items-center gap-1.5 rounded-full border border-slate-500 px-3 py-0.5 text-xs hover:bg-navy-700 focus-visible:ring-2 focus-visible:ring-blue-400 focus-visible:outline-none"
            [attr.aria-expanded]="exports.drawerOpen()"
            aria-label="Exports"
            data-testid="jobs-toggle"
            (click)="exports.drawerOpen.set(!exports.drawerOpen())"
          >
            <au-icon name="inbox" [size]="13" />Exports
            @if (exports.active() > 0) {
              <span
                class="rounded-full bg-blue-500 px-1.5 text-[10px] leading-4 font-semibold tabular-nums"
                [attr.aria-label]="exports.active() + ' exports running'"
                >{{ exports.active() }}</span
              >
            }
          </button>
          <span class="inline-flex items-center gap-1.5 text-xs text-slate-200">
            <au-icon name="user" [size]="14" />
            <span data-testid="user-name" aria-label="Signed-in user">{{ user.name }}</span>
          </span>
          <button
            type="button"
            class="inline-flex items-center gap-1.5 rounded-full border border-slate-500 px-3 py-0.5 text-xs hover:bg-navy-700 focus-visible:ring-2 focus-visible:ring-blue-400 focus-visible:outline-none"
            (click)="auth.signOut()"
          >
            <au-icon name="log-out" [size]="13" />Sign out
          </button>
        }
      </header>
      <main class="min-h-0 flex-1"><router-outlet /></main>
    </div>
    @if (exports.drawerOpen() && auth.user()) {
      <au-jobs-drawer />
    }
  `,
})
export class App {
  protected readonly auth = inject(AuthService);
  protected readonly exports = inject(ExportsStore);
  private readonly audit = inject(AuditAccess);
  private readonly firstPage = inject(FirstPage);
  /** Signed in, and the first page is on screen (or there is none): the bell may load. */
  protected readonly bellReady = computed(() => this.auth.user() !== null && this.firstPage.done());
  /** Audit only for audit readers (the gateway's `/me`); the API refuses anyone else anyway. */
  protected readonly sections = computed(() => [
    { path: '/explore', label: 'Explore' },
    { path: '/reports', label: 'Reports' },
    { path: '/dashboards', label: 'Dashboards' },
    { path: '/schedules', label: 'Schedules' },
    ...(this.audit.reader() ? [{ path: '/audit', label: 'Audit' }] : []),
  ]);

  constructor() {
    const router = inject(Router);
    // Only the explorer has a first page to wait for; elsewhere the bell starts once the page is idle.
    router.events.pipe(filter((event) => event instanceof NavigationEnd)).subscribe((event) => {
      if (this.auth.user() && !event.urlAfterRedirects.startsWith('/explore')) this.firstPage.none();
    });
    effect(() => {
      const signedIn = this.auth.user() !== null;
      untracked(() => (signedIn ? this.firstPage.armFallback() : this.firstPage.reset()));
    });
    // An expired session leaves the data screen at once (nothing stale stays visible); signing in again
    // comes back to the same view, which the URL holds.
    effect(() => {
      if (this.auth.status() !== 'expired' || router.url.startsWith('/sign-in')) return;
      void router.navigate(['/sign-in'], { queryParams: { returnUrl: router.url } });
    });
  }
}

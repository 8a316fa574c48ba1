import { ChangeDetectionStrategy, Component, effect, inject } from '@angular/core';
import { Router, RouterOutlet } from '@angular/router';
import { AuthService } from './auth/auth.service';

@Component({
  selector: 'au-root',
  imports: [RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex h-screen flex-col">
      <header class="flex h-10 shrink-0 items-center gap-3 bg-navy-800 px-3 text-white shadow">
        <span class="flex items-center gap-2 font-semibold tracking-wide">
          <img src="favicon.svg" alt="" class="h-5 w-5" /> Aurora
        </span>
        <span class="text-xs text-slate-400">Self-service reporting</span>
        <span class="flex-1"></span>
        @if (auth.user(); as user) {
          <span class="text-xs text-slate-200" data-testid="user-name" aria-label="Signed-in user">{{
            user.name
          }}</span>
          <button
            type="button"
            class="rounded-full border border-slate-500 px-3 py-0.5 text-xs hover:bg-navy-700"
            (click)="auth.signOut()"
          >
            Sign out
          </button>
        }
      </header>
      <main class="min-h-0 flex-1"><router-outlet /></main>
    </div>
  `,
})
export class App {
  protected readonly auth = inject(AuthService);

  constructor() {
    const router = inject(Router);
    // An expired session leaves the data screen at once: nothing stale stays visible.
    effect(() => {
      if (this.auth.status() === 'expired')
        void router.navigate(['/sign-in'], { queryParams: { returnUrl: '/explore' } });
    });
  }
}

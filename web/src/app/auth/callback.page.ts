import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ApiService, PAGE_SIZE, pageQuery } from '../api';
import { linkedQuery } from '../explorer/state/url-state';
import { AuthService } from './auth.service';

/**
 * Waits for the code exchange AuthService started with the app, and takes the code out of the URL and history.
 * A bookmarked view's data is asked for then, while the explorer's code loads (docs/BENCHMARKS.md, "sign-in").
 */
@Component({
  selector: 'au-callback',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid h-full place-items-center">
      @if (error(); as message) {
        <div class="max-w-md rounded-lg border border-red-200 bg-white p-6 shadow-sm" role="alert">
          <h1 class="mb-2 text-base font-semibold text-red-700">Sign-in failed</h1>
          <p class="mb-4 text-slate-600">{{ message }}</p>
          <a routerLink="/sign-in" class="rounded-full bg-blue-600 px-4 py-1.5 text-white">Try again</a>
        </div>
      } @else {
        <p class="text-slate-500">Signing you in…</p>
      }
    </div>
  `,
})
export class CallbackPage implements OnInit {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly api = inject(ApiService);
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    // AuthService read the code as the app started; it leaves the address bar and the history now.
    history.replaceState(null, '', '/auth/callback');
    this.auth.signInCompleted().then(
      async (returnUrl) => {
        const query = await linkedQuery(returnUrl);
        if (query) this.api.prefetchView(query, pageQuery(query, 0, PAGE_SIZE));
        return this.router.navigateByUrl(returnUrl, { replaceUrl: true });
      },
      (error: unknown) => {
        this.error.set(error instanceof Error ? error.message : 'Unknown error');
      },
    );
  }
}

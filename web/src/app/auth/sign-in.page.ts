import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import { AuthService } from './auth.service';

@Component({
  selector: 'au-sign-in',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid h-full place-items-center">
      <div class="w-96 rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
        @if (auth.status() === 'expired') {
          <div role="alert" data-testid="session-expired">
            <au-icon name="alert" [size]="28" class="mb-2 text-amber-500" />
            <h1 class="mb-2 text-base font-semibold text-navy-800">Your session has expired</h1>
            <p class="mb-4 text-slate-600">
              For your security you were signed out and nothing is shown any more. Sign in again to continue
              where you left off.
            </p>
          </div>
        } @else {
          <h1 class="mb-2 text-base font-semibold text-navy-800">Welcome to Aurora</h1>
          <p class="mb-4 text-slate-600">Sign in with your company account to explore your datasets.</p>
        }
        <button
          type="button"
          class="rounded-full bg-blue-600 px-5 py-1.5 font-medium text-white hover:bg-blue-700 focus:ring-2 focus:ring-blue-300 focus:outline-none"
          (click)="signIn()"
        >
          Sign in with SSO
        </button>
      </div>
    </div>
  `,
})
export class SignInPage {
  protected readonly auth = inject(AuthService);
  readonly returnUrl = input<string>('/explore');

  constructor() {
    this.auth.prepareSignIn();
  }

  protected signIn(): void {
    void this.auth.signIn(this.returnUrl());
  }
}

import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** The foot of a cursor-paged list: "Loading…" while a page comes, else a Show more button while there is more. */
@Component({
  selector: 'au-load-more',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (loading()) {
      <p class="px-3 py-2 text-xs text-slate-500">Loading…</p>
    } @else if (more()) {
      <div class="p-2 text-center">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-3 py-0.5 text-xs hover:border-blue-400"
          [attr.data-testid]="testId()"
          (click)="load.emit()"
        >
          Show more
        </button>
      </div>
    }
  `,
})
export class LoadMoreComponent {
  readonly loading = input.required<boolean>();
  readonly more = input.required<boolean>();
  readonly testId = input.required<string>();
  readonly load = output();
}

import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
  type OnDestroy,
} from '@angular/core';

let lastModal = 0;
const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex="0"]';

/**
 * A dialog that never overflows the window: the header and footer stay put and only the body scrolls,
 * however many rows it holds. Esc closes; Tab stays inside; focus returns where it was on close.
 */
@Component({
  selector: 'au-modal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="fixed inset-0 z-40 bg-navy-900/40" aria-hidden="true" (click)="closed.emit()"></div>
    <div
      class="fixed inset-0 z-50 flex items-start justify-center overflow-hidden p-4 pt-[5vh]"
      (keydown.escape)="closed.emit()"
      (keydown.tab)="trap($any($event))"
    >
      <div
        role="dialog"
        aria-modal="true"
        [attr.aria-labelledby]="titleId"
        [attr.data-testid]="testId()"
        class="flex max-h-[90vh] w-full min-w-0 flex-col rounded-lg border border-slate-200 bg-white shadow-2xl"
        [style.max-width.px]="width()"
      >
        <header class="flex items-center gap-2 border-b border-slate-200 px-4 py-2">
          <h2 [id]="titleId" class="min-w-0 flex-1 truncate text-sm font-semibold text-navy-800">
            {{ title() }}
          </h2>
          <ng-content select="[modal-tools]" />
          <button
            type="button"
            class="grid h-6 w-6 place-items-center rounded-full text-slate-500 hover:bg-slate-100 hover:text-navy-800"
            aria-label="Close"
            (click)="closed.emit()"
          >
            <svg
              viewBox="0 0 24 24"
              class="h-3.5 w-3.5"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              aria-hidden="true"
            >
              <path d="M18 6 6 18M6 6l12 12" />
            </svg>
          </button>
        </header>
        <div class="min-h-0 min-w-0 flex-1 overflow-auto px-4 py-3">
          <ng-content />
        </div>
        <footer class="flex flex-wrap items-center gap-2 border-t border-slate-200 bg-slate-50 px-4 py-2">
          <ng-content select="[modal-footer]" />
        </footer>
      </div>
    </div>
  `,
})
export class ModalComponent implements OnDestroy {
  readonly title = input.required<string>();
  readonly testId = input<string>();
  readonly width = input(880);
  readonly closed = output();

  protected readonly titleId = `au-modal-${++lastModal}`;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly opener = document.activeElement as HTMLElement | null;

  constructor() {
    afterNextRender(() => {
      const first = this.host.nativeElement.querySelector<HTMLElement>(`[role=dialog] :is(${FOCUSABLE})`);
      // The close button is first in the DOM; start on the first field instead when there is one.
      const field = this.host.nativeElement.querySelector<HTMLElement>('[role=dialog] :is(input, select)');
      (field ?? first)?.focus();
    });
  }

  ngOnDestroy(): void {
    this.opener?.focus();
  }

  protected trap(event: KeyboardEvent): void {
    const items = [
      ...this.host.nativeElement.querySelectorAll<HTMLElement>(`[role=dialog] :is(${FOCUSABLE})`),
    ];
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }
}

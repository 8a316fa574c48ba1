import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { IDENTIFIER_PATTERN, QUERY_LIMITS } from '@aurora/query-model/limits';
import { ApiError } from '../../api';
import { ModalComponent } from '../../ui/modal.component';
import { completions } from '../state/computed-state';
import { ExplorerStore } from '../state/explorer.store';

const FIELD =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500';

/**
 * Add calculated column: a name and an expression (docs/API.md, "Calculated columns"), with the view's columns
 * offered as the expression is typed. The server checks it; its message, with the position, shows inline.
 */
@Component({
  selector: 'au-computed-editor',
  imports: [ModalComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal title="Add calculated column" testId="computed-editor" [width]="640" (closed)="closed.emit()">
      <form id="computed-form" class="flex flex-col gap-2" (submit)="$event.preventDefault(); add()">
        <label class="flex flex-col gap-0.5 text-xs text-navy-800">
          Name
          <input
            [class]="field"
            data-testid="computed-name"
            placeholder="margin"
            [value]="name()"
            (input)="name.set(text($event))"
          />
        </label>
        <label class="flex flex-col gap-0.5 text-xs text-navy-800">
          Expression
          <textarea
            [class]="field + ' h-24 font-mono'"
            data-testid="computed-expr"
            placeholder="global_sales.amount - global_sales.quantity * global_sales.unit_price"
            [attr.maxlength]="maxLength"
            [value]="expr()"
            (input)="typed($event)"
            (click)="typed($event)"
            (keyup)="typed($event)"
          ></textarea>
        </label>
        @if (suggestions().refs.length > 0) {
          <ul class="flex flex-wrap gap-1" aria-label="Columns" data-testid="computed-suggestions">
            @for (ref of suggestions().refs; track ref) {
              <li>
                <button
                  type="button"
                  class="rounded-full border border-slate-300 px-2 py-0.5 font-mono text-[11px] hover:bg-slate-100"
                  data-testid="computed-suggestion"
                  (click)="complete(ref)"
                >
                  {{ ref }}
                </button>
              </li>
            }
          </ul>
        }
        @if (problem(); as problem) {
          <p class="text-xs text-red-700" role="alert" data-testid="computed-error">{{ problem }}</p>
        }
        <p class="text-[11px] text-slate-500">
          Arithmetic, comparisons, AND/OR/NOT, CASE WHEN … THEN … ELSE … END and functions such as coalesce,
          round, concat, upper, substring, year, date_trunc, date_diff and date_add. Text is written in single
          quotes.
        </p>
      </form>
      <button
        modal-footer
        type="submit"
        form="computed-form"
        class="rounded-full bg-blue-600 px-3 py-1 text-xs text-white disabled:opacity-50"
        data-testid="computed-add"
        [disabled]="checking()"
      >
        Add column
      </button>
    </au-modal>
  `,
})
export class ComputedEditorComponent {
  private readonly store = inject(ExplorerStore);
  readonly closed = output();

  protected readonly field = FIELD;
  protected readonly maxLength = QUERY_LIMITS.maxExpressionLength;
  protected readonly name = signal('');
  protected readonly expr = signal('');
  private readonly cursor = signal(0);
  protected readonly problem = signal<string | null>(null);
  protected readonly checking = signal(false);
  protected readonly suggestions = computed(() =>
    completions(this.expr(), this.cursor(), this.store.sourceSchema()),
  );

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected typed(event: Event): void {
    const area = event.target as HTMLTextAreaElement;
    this.expr.set(area.value);
    this.cursor.set(area.selectionStart);
  }

  /** Replaces the word being typed with the column reference. */
  protected complete(ref: string): void {
    const { start } = this.suggestions();
    const text = this.expr();
    const end = this.cursor();
    this.expr.set(text.slice(0, start) + ref + text.slice(end));
    this.cursor.set(start + ref.length);
  }

  protected add(): void {
    const name = this.name().trim();
    if (!IDENTIFIER_PATTERN.test(name)) {
      this.problem.set('The name is letters, digits and _ only, starting with a letter or _.');
      return;
    }
    if (this.expr().trim() === '') {
      this.problem.set('Write an expression.');
      return;
    }
    this.checking.set(true);
    this.problem.set(null);
    this.store.addComputed(name, this.expr()).subscribe({
      next: () => {
        this.checking.set(false);
        this.closed.emit();
      },
      error: (error: unknown) => {
        this.checking.set(false);
        this.problem.set(error instanceof Error ? errorText(error) : 'Something went wrong. Please retry.');
      },
    });
  }
}

function errorText(error: Error): string {
  return error instanceof ApiError ? error.detail : error.message;
}

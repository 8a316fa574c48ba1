import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { Subject, catchError, debounceTime, distinctUntilChanged, of, switchMap } from 'rxjs';
import { IconComponent } from '../ui/icon.component';
import { ModalComponent } from '../ui/modal.component';
import type { People, ReportShare } from './report.types';
import { ReportsApi } from './reports.api';

type Role = ReportShare['role'];

export function granteeOf(share: ReportShare): { kind: 'user' | 'group'; id: string } {
  return 'user' in share ? { kind: 'user', id: share.user } : { kind: 'group', id: share.group };
}

const SMALL_BUTTON =
  'rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:border-blue-400 hover:text-blue-700';

/** Share with users and groups (people who have used Aurora), as viewers or editors. Editors see it read-only. */
@Component({
  selector: 'au-share-dialog',
  imports: [ModalComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal [title]="'Share ' + noun()" testId="share-dialog" [width]="520" (closed)="closed.emit()">
      @if (readOnly()) {
        <p class="mb-2 text-xs text-slate-500">
          Only the owner changes who this {{ noun() }} is shared with.
        </p>
      } @else {
        <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Add people or groups
          <input
            type="search"
            placeholder="Search by name or group"
            data-testid="share-search"
            class="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-normal focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none"
            (input)="terms.next($any($event.target).value)"
          />
        </label>
        @if (found(); as people) {
          <ul
            class="mt-1 max-h-40 overflow-auto rounded-md border border-slate-200"
            aria-label="Search results"
            data-testid="share-results"
          >
            @for (group of people.groups; track group) {
              <li class="flex items-center gap-2 px-2 py-1 text-xs hover:bg-slate-50">
                <au-icon name="group" />
                <span class="flex-1"
                  >Group <b>{{ group }}</b></span
                >
                <button
                  type="button"
                  [class]="small"
                  [attr.aria-label]="'Add group ' + group"
                  (click)="add({ group, role: 'view' })"
                >
                  Add
                </button>
              </li>
            }
            @for (user of people.users; track user.sub) {
              <li class="flex items-center gap-2 px-2 py-1 text-xs hover:bg-slate-50">
                <au-icon name="user" />
                <span class="flex-1"
                  >{{ user.name }} <span class="text-slate-400">{{ user.sub }}</span></span
                >
                <button
                  type="button"
                  [class]="small"
                  [attr.aria-label]="'Add ' + user.name"
                  (click)="add({ user: user.sub, role: 'view' })"
                >
                  Add
                </button>
              </li>
            } @empty {
              @if (people.groups.length === 0) {
                <li class="px-2 py-1 text-xs text-slate-500">Nobody matches.</li>
              }
            }
          </ul>
        }
      }
      <h3 class="mt-3 mb-1 text-xs font-semibold tracking-wide text-navy-700 uppercase">Shared with</h3>
      <ul class="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="share-list">
        @for (share of shares(); track key(share); let i = $index) {
          <li class="flex items-center gap-2 px-2 py-1.5 text-xs">
            <au-icon [name]="grantee(share).kind === 'group' ? 'group' : 'user'" />
            <span class="flex-1"
              >{{ grantee(share).kind === 'group' ? 'Group ' : '' }}<b>{{ grantee(share).id }}</b></span
            >
            @if (readOnly()) {
              <span class="text-slate-500">{{ share.role === 'edit' ? 'Can edit' : 'Can view' }}</span>
            } @else {
              <select
                class="rounded-full border border-slate-300 px-2 py-0.5"
                [attr.aria-label]="'Role of ' + grantee(share).id"
                (change)="setRole(i, $any($event.target).value)"
              >
                <option value="view" [selected]="share.role === 'view'">Can view</option>
                <option value="edit" [selected]="share.role === 'edit'">Can edit</option>
              </select>
              <button
                type="button"
                class="text-slate-400 hover:text-red-700"
                [attr.aria-label]="'Stop sharing with ' + grantee(share).id"
                (click)="remove(i)"
              >
                <au-icon name="x" />
              </button>
            }
          </li>
        } @empty {
          <li class="px-2 py-1.5 text-xs text-slate-500">Not shared: only you see it.</li>
        }
      </ul>
      @if (error(); as message) {
        <p
          class="mt-2 flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
          role="alert"
        >
          <au-icon name="alert" class="mt-px" />{{ message }}
        </p>
      }
      <div modal-footer class="flex w-full justify-end gap-2">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-slate-100"
          (click)="closed.emit()"
        >
          {{ readOnly() ? 'Close' : 'Cancel' }}
        </button>
        @if (!readOnly()) {
          <button
            type="button"
            data-testid="share-save"
            [attr.aria-disabled]="busy()"
            (click)="!busy() && saved.emit(shares())"
            class="rounded-full bg-blue-600 px-4 py-1 text-xs font-medium text-white hover:bg-blue-700"
          >
            {{ busy() ? 'Saving…' : 'Save sharing' }}
          </button>
        }
      </div>
    </au-modal>
  `,
})
export class ShareDialogComponent implements OnInit {
  private readonly api = inject(ReportsApi);
  readonly initial = input<readonly ReportShare[]>([]);
  /** What is shared: a report, or a dashboard (whose tiles each still run with the viewer's own rights). */
  readonly noun = input<'report' | 'dashboard'>('report');
  readonly readOnly = input(false);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly saved = output<readonly ReportShare[]>();
  readonly closed = output();

  protected readonly small = SMALL_BUTTON;
  protected readonly shares = signal<readonly ReportShare[]>([]);
  protected readonly found = signal<People | null>(null);
  protected readonly terms = new Subject<string>();
  protected readonly grantee = granteeOf;

  constructor() {
    const search = this.terms
      .pipe(
        debounceTime(200),
        distinctUntilChanged(),
        switchMap((q) =>
          q.trim() === '' ? of(null) : this.api.people(q.trim()).pipe(catchError(() => of(null))),
        ),
      )
      .subscribe((people) => this.found.set(people));
    inject(DestroyRef).onDestroy(() => search.unsubscribe());
  }

  ngOnInit(): void {
    this.shares.set(this.initial());
  }

  protected key(share: ReportShare): string {
    const { kind, id } = granteeOf(share);
    return `${kind}:${id}`;
  }
  protected add(share: ReportShare): void {
    if (this.shares().some((s) => this.key(s) === this.key(share))) return;
    this.shares.update((all) => [...all, share]);
  }
  protected setRole(index: number, role: Role): void {
    this.shares.update((all) => all.map((s, i) => (i === index ? { ...s, role } : s)));
  }
  protected remove(index: number): void {
    this.shares.update((all) => all.filter((_, i) => i !== index));
  }
}

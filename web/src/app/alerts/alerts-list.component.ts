import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { NotificationsStore } from '../notifications/notifications.store';
import { localTime } from '../schedules/schedule-words';
import { IconComponent } from '../ui/icon.component';
import { AlertDialogComponent } from './alert-dialog.component';
import {
  CHECK_CLASS,
  STATE_CLASS,
  STATE_WORD,
  checkTriggerInWords,
  conditionInWords,
  nextCheckInWords,
  numberWord,
  percentWord,
  rowInWords,
  transitionWord,
  valueInWords,
} from './alert-words';
import type { Alert } from './alert.types';
import { AlertsStore } from './alerts.store';

const BUTTON =
  'inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-xs text-slate-700 hover:border-blue-400 hover:text-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none';

/** My alerts: each with its state, condition, trigger and last check, its actions, and its check history. */
@Component({
  selector: 'au-alerts-list',
  imports: [RouterLink, IconComponent, AlertDialogComponent],
  providers: [AlertsStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (store.error(); as message) {
      <p
        class="mb-2 flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
        role="alert"
      >
        <au-icon name="alert" class="mt-px" />{{ message }}
      </p>
    }
    <ul class="flex flex-col gap-2" data-testid="alerts-list">
      @for (alert of store.items(); track alert.id) {
        <li
          class="rounded-lg border bg-white shadow-sm"
          [class.border-red-300]="alert.state === 'triggered'"
          [class.border-slate-200]="alert.state !== 'triggered'"
          data-testid="alert-row"
        >
          <div class="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
            <au-icon name="bell" [class]="alert.state === 'triggered' ? 'text-red-600' : 'text-navy-700'" />
            <div class="min-w-0 flex-1">
              <div class="flex flex-wrap items-center gap-2">
                <span class="truncate text-sm font-semibold text-navy-800" data-testid="alert-name">{{
                  alert.name
                }}</span>
                <span
                  class="rounded-full px-2 text-[11px] font-semibold"
                  [class]="stateClass[alert.state]"
                  data-testid="alert-state"
                  >{{ stateWord[alert.state] }}</span
                >
                @if (alert.paused) {
                  <span
                    class="rounded-full bg-amber-100 px-2 text-[11px] font-medium text-amber-800"
                    data-testid="alert-paused-badge"
                    >Paused</span
                  >
                }
                <a
                  [routerLink]="['/reports', alert.reportId]"
                  class="truncate text-xs text-blue-700 hover:underline"
                  data-testid="alert-report"
                  >{{ reportNames().get(alert.reportId) ?? 'Report ' + alert.reportId }}</a
                >
              </div>
              <div class="mt-0.5 text-xs text-slate-600">
                <span data-testid="alert-condition">{{ condition(alert.condition) }}</span>
              </div>
              <div class="mt-0.5 text-xs text-slate-500">
                <span data-testid="alert-trigger">{{ trigger(alert) }}</span>
                ·
                <span class="tabular-nums">{{ next(alert) }}</span>
                ·
                <span class="tabular-nums" data-testid="alert-last-check"
                  >{{ alert.lastCheckedAt ? 'last checked ' + time(alert.lastCheckedAt) : 'never checked' }}
                </span>
                @if (alert.state === 'triggered' && alert.lastCheck?.values?.[0]; as value) {
                  ·
                  <b class="font-medium text-red-700" data-testid="alert-last-value">{{
                    valueInWords(value)
                  }}</b>
                }
              </div>
            </div>
            <div class="flex flex-wrap gap-1">
              <button type="button" [class]="button" data-testid="alert-pause" (click)="store.pause(alert)">
                {{ alert.paused ? 'Resume' : 'Pause' }}
              </button>
              <button
                type="button"
                [class]="button"
                data-testid="alert-check-now"
                (click)="store.checkNow(alert)"
              >
                Check now
              </button>
              <button type="button" [class]="button" data-testid="alert-edit" (click)="editing.set(alert)">
                Edit…
              </button>
              <button
                type="button"
                [class]="button"
                data-testid="alert-history"
                [attr.aria-expanded]="store.openId() === alert.id"
                (click)="store.openId() === alert.id ? store.closeChecks() : store.openChecks(alert.id)"
              >
                <au-icon name="rotate-ccw" [size]="12" />Checks
              </button>
              <button
                type="button"
                [class]="button + ' hover:border-red-400 hover:text-red-700'"
                aria-label="Delete alert"
                (click)="remove(alert)"
              >
                <au-icon name="trash" [size]="12" />
              </button>
            </div>
          </div>
          @if (store.openId() === alert.id) {
            <div class="border-t border-slate-100 px-3 py-2" data-testid="alert-checks">
              @if (store.checks(); as checks) {
                <table class="w-full text-left text-xs">
                  <thead class="text-slate-500">
                    <tr class="*:px-1.5 *:py-1">
                      <th class="font-medium">Checked for</th>
                      <th class="font-medium">Cause</th>
                      <th class="font-medium">Result</th>
                      <th class="font-medium">Row</th>
                      <th class="text-right font-medium">Value</th>
                      <th class="text-right font-medium">Previous</th>
                      <th class="text-right font-medium">Change</th>
                      <th class="text-right font-medium">z-score</th>
                    </tr>
                  </thead>
                  @for (check of checks; track check.id) {
                    <tbody class="border-t border-slate-100" data-testid="alert-check">
                      <tr class="align-top *:px-1.5 *:py-1">
                        <td class="whitespace-nowrap tabular-nums" [attr.rowspan]="rowsOf(check)">
                          {{ time(check.scheduledFor) }}
                        </td>
                        <td [attr.rowspan]="rowsOf(check)">{{ check.cause }}</td>
                        <td [attr.rowspan]="rowsOf(check)" class="whitespace-nowrap">
                          <span
                            class="rounded-full px-2 text-[11px] font-medium"
                            [class]="checkClass[check.status]"
                            data-testid="alert-check-status"
                            >{{ check.status }}</span
                          >
                          @if (check.transition; as transition) {
                            <span
                              class="ml-1 inline-flex items-center gap-0.5 rounded-full px-2 text-[11px] font-semibold text-white"
                              [class.bg-red-600]="transition === 'fired'"
                              [class.bg-green-600]="transition === 'cleared'"
                              data-testid="alert-check-transition"
                              >{{ transitionWord(check) }}</span
                            >
                          }
                          @if (check.rowCount !== null) {
                            <span class="block text-[11px] text-slate-500"
                              >{{ check.rowCount.toLocaleString('en-US') }} rows</span
                            >
                          }
                        </td>
                        @if (check.error; as error) {
                          <td colspan="5" class="text-red-700">
                            <b>{{ error.code }}</b> {{ error.detail }}
                          </td>
                        } @else if (check.values[0]; as value) {
                          <td>
                            {{ row(value.row) }} <span class="text-slate-400">{{ value.measure }}</span>
                          </td>
                          <td class="text-right font-medium tabular-nums" data-testid="alert-check-value">
                            {{ num(value.value) }}
                          </td>
                          <td class="text-right tabular-nums">{{ num(value.previous) }}</td>
                          <td class="text-right tabular-nums">{{ pct(value.changePercent) }}</td>
                          <td class="text-right tabular-nums">{{ num(value.zScore) }}</td>
                        } @else {
                          <td colspan="5" class="text-slate-400">
                            {{ check.status === 'queued' || check.status === 'running' ? 'Checking…' : '' }}
                          </td>
                        }
                      </tr>
                      @if (!check.error) {
                        @for (value of check.values.slice(1); track $index) {
                          <tr class="*:px-1.5 *:py-0.5">
                            <td>
                              {{ row(value.row) }} <span class="text-slate-400">{{ value.measure }}</span>
                            </td>
                            <td class="text-right font-medium tabular-nums">{{ num(value.value) }}</td>
                            <td class="text-right tabular-nums">{{ num(value.previous) }}</td>
                            <td class="text-right tabular-nums">{{ pct(value.changePercent) }}</td>
                            <td class="text-right tabular-nums">{{ num(value.zScore) }}</td>
                          </tr>
                        }
                      }
                    </tbody>
                  } @empty {
                    <tbody>
                      <tr>
                        <td colspan="8" class="py-1 text-slate-500">No checks yet.</td>
                      </tr>
                    </tbody>
                  }
                </table>
              } @else {
                <p class="text-xs text-slate-500">Loading checks…</p>
              }
            </div>
          }
        </li>
      } @empty {
        @if (!store.loading()) {
          <li class="rounded-lg border border-dashed border-slate-300 p-6 text-center text-xs text-slate-500">
            No alerts yet. Open a saved summary report and choose Alert… to be told when its numbers move.
          </li>
        }
      }
    </ul>
    @if (editing(); as alert) {
      <au-alert-dialog
        [reportId]="alert.reportId"
        [reportName]="reportNames().get(alert.reportId) ?? ''"
        [alert]="alert"
        (saved)="saved($event)"
        (conflict)="store.load()"
        (closed)="editing.set(null)"
      />
    }
  `,
})
export class AlertsListComponent {
  protected readonly store = inject(AlertsStore);
  readonly reportNames = input<ReadonlyMap<string, string>>(new Map());
  /** The alerts' reports, for the page to name. */
  readonly reportsListed = output<readonly string[]>();
  protected readonly button = BUTTON;
  protected readonly stateClass = STATE_CLASS;
  protected readonly stateWord = STATE_WORD;
  protected readonly checkClass = CHECK_CLASS;
  protected readonly editing = signal<Alert | null>(null);
  protected readonly condition = conditionInWords;
  protected readonly trigger = checkTriggerInWords;
  protected readonly next = nextCheckInWords;
  protected readonly time = localTime;
  protected readonly num = numberWord;
  protected readonly pct = percentWord;
  protected readonly row = rowInWords;
  protected readonly transitionWord = transitionWord;
  protected readonly valueInWords = valueInWords;

  constructor() {
    this.store.load();
    effect(() => {
      const reports = [...new Set(this.store.items().map((a) => a.reportId))];
      untracked(() => this.reportsListed.emit(reports));
    });
    // A notification about one of these alerts means its state changed: it is read again.
    const notifications = inject(NotificationsStore);
    effect(() => {
      const alertId = notifications.latest()?.alertId;
      if (alertId) untracked(() => this.store.changed(alertId));
    });
  }

  protected rowsOf(check: { values: readonly unknown[]; error: unknown }): number {
    return check.error ? 1 : Math.max(1, check.values.length);
  }
  protected saved(alert: Alert): void {
    this.store.put(alert);
    this.editing.set(null);
  }
  protected remove(alert: Alert): void {
    if (confirm('Delete this alert and its check history?')) this.store.remove(alert);
  }
}

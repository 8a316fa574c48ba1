import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
  type OnInit,
} from '@angular/core';
import { NotificationsStore } from '../notifications/notifications.store';
import { RouterLink } from '@angular/router';
import { AlertsListComponent } from '../alerts/alerts-list.component';
import { IconComponent } from '../ui/icon.component';
import { ScheduleDialogComponent } from './schedule-dialog.component';
import { targetOf } from './schedule-form';
import {
  deliveryInWords,
  duration,
  filterValuesInWords,
  localTime,
  nextRunInWords,
  triggerInWords,
} from './schedule-words';
import type { Schedule, ScheduleSubject } from './schedule.types';
import { SchedulesStore } from './schedules.store';

const BUTTON =
  'inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-xs text-slate-700 hover:border-blue-400 hover:text-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none';

const RUN_STATUS: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700',
  running: 'bg-blue-100 text-blue-800',
  succeeded: 'bg-green-100 text-green-800',
  failed: 'bg-red-100 text-red-800',
};

/** My schedules and alerts: each schedule with its trigger, next run and badges, its actions, and its run history. */
@Component({
  selector: 'au-schedules',
  imports: [RouterLink, IconComponent, ScheduleDialogComponent, AlertsListComponent],
  providers: [SchedulesStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block h-full overflow-auto' },
  template: `
    <div class="mx-auto max-w-5xl p-4">
      <h1 class="mb-1 text-base font-semibold text-navy-800">My schedules and alerts</h1>
      <h2 class="mt-3 mb-1 text-sm font-semibold text-navy-800">Schedules</h2>
      <p class="mb-3 text-xs text-slate-500">
        Saved reports and dashboards exported by themselves. Schedule one from its page (Schedule…).
      </p>
      @if (store.error(); as message) {
        <p
          class="mb-2 flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
          role="alert"
        >
          <au-icon name="alert" class="mt-px" />{{ message }}
        </p>
      }
      <ul class="flex flex-col gap-2" data-testid="schedules-list">
        @for (row of rows(); track row.schedule.id) {
          @let schedule = row.schedule;
          @let target = row.target;
          <li
            class="rounded-lg border bg-white shadow-sm"
            [class.border-red-300]="schedule.failing"
            [class.border-slate-200]="!schedule.failing"
            data-testid="schedule-row"
          >
            <div class="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
              <au-icon name="clock" class="text-navy-700" />
              <div class="min-w-0 flex-1">
                <div class="flex flex-wrap items-center gap-2">
                  @if (target.kind === 'dashboard') {
                    <a
                      [routerLink]="['/dashboards', target.id]"
                      class="truncate text-sm font-semibold text-navy-800 hover:underline"
                      data-testid="schedule-dashboard"
                      ><span class="font-normal text-slate-500">Dashboard</span>
                      {{ store.dashboardNames().get(target.id) ?? target.id }}</a
                    >
                  } @else {
                    <a
                      [routerLink]="['/reports', target.id]"
                      class="truncate text-sm font-semibold text-navy-800 hover:underline"
                      data-testid="schedule-report"
                      >{{ store.reportNames().get(target.id) ?? 'Report ' + target.id }}</a
                    >
                  }
                  <span
                    class="rounded-full bg-slate-100 px-2 text-[10px] text-slate-600 uppercase"
                    data-testid="schedule-format-badge"
                    >{{ schedule.format }}</span
                  >
                  @if (schedule.paused) {
                    <span
                      class="rounded-full bg-amber-100 px-2 text-[11px] font-medium text-amber-800"
                      data-testid="schedule-paused-badge"
                      >Paused</span
                    >
                  }
                  @if (schedule.failing) {
                    <span
                      class="inline-flex items-center gap-1 rounded-full bg-red-600 px-2 text-[11px] font-semibold text-white"
                      data-testid="schedule-failing-badge"
                      [attr.title]="schedule.consecutiveFailures + ' runs in a row failed'"
                      ><au-icon name="alert" [size]="11" />Failing: the last
                      {{ schedule.consecutiveFailures }} runs failed</span
                    >
                  }
                </div>
                <div class="mt-0.5 text-xs text-slate-600">
                  <span data-testid="schedule-trigger">{{ trigger(schedule) }}</span>
                  ·
                  <span class="tabular-nums" data-testid="schedule-next">{{ next(schedule) }}</span>
                  @if (schedule.deliveries.length > 0) {
                    · {{ schedule.deliveries.length }}
                    {{ schedule.deliveries.length === 1 ? 'delivery' : 'deliveries' }}
                  }
                </div>
                @if (target.kind === 'dashboard' && filterWords(target.filters); as words) {
                  <div class="mt-0.5 truncate text-xs text-slate-500" data-testid="schedule-filters">
                    {{ words }}
                  </div>
                }
              </div>
              <div class="flex flex-wrap gap-1">
                <button
                  type="button"
                  [class]="button"
                  data-testid="schedule-pause"
                  (click)="store.pause(schedule)"
                >
                  {{ schedule.paused ? 'Resume' : 'Pause' }}
                </button>
                <button
                  type="button"
                  [class]="button"
                  data-testid="schedule-run-now"
                  (click)="store.runNow(schedule)"
                >
                  Run now
                </button>
                <button
                  type="button"
                  [class]="button"
                  data-testid="schedule-edit"
                  (click)="editing.set(schedule)"
                >
                  Edit…
                </button>
                <button
                  type="button"
                  [class]="button"
                  data-testid="schedule-history"
                  [attr.aria-expanded]="store.openId() === schedule.id"
                  (click)="store.openId() === schedule.id ? store.closeRuns() : store.openRuns(schedule.id)"
                >
                  <au-icon name="rotate-ccw" [size]="12" />Runs
                </button>
                <button
                  type="button"
                  [class]="button + ' hover:border-red-400 hover:text-red-700'"
                  [attr.aria-label]="'Delete schedule'"
                  (click)="remove(schedule)"
                >
                  <au-icon name="trash" [size]="12" />
                </button>
              </div>
            </div>
            @if (store.openId() === schedule.id) {
              <div class="border-t border-slate-100 px-3 py-2" data-testid="schedule-runs">
                @if (store.runs(); as runs) {
                  <table class="w-full text-left text-xs">
                    <thead class="text-slate-500">
                      <tr class="*:px-1.5 *:py-1">
                        <th class="font-medium">Run for</th>
                        <th class="font-medium">Cause</th>
                        <th class="font-medium">Status</th>
                        <th class="text-right font-medium">Rows</th>
                        <th class="text-right font-medium">Duration</th>
                        <th class="font-medium">File or error</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (run of runs; track run.id) {
                        <tr
                          class="border-t border-slate-100 align-top *:px-1.5 *:py-1"
                          data-testid="schedule-run"
                        >
                          <td class="whitespace-nowrap tabular-nums">{{ time(run.scheduledFor) }}</td>
                          <td>{{ run.cause }}</td>
                          <td>
                            <span
                              class="rounded-full px-2 text-[11px] font-medium"
                              [class]="statusClass[run.status]"
                              data-testid="schedule-run-status"
                              >{{ run.status }}</span
                            >
                          </td>
                          <td class="text-right tabular-nums" data-testid="schedule-run-rows">
                            {{ run.rows === null ? '' : run.rows.toLocaleString() }}
                          </td>
                          <td class="text-right tabular-nums">{{ took(run) }}</td>
                          <td>
                            @if (run.error; as error) {
                              <span class="text-red-700"
                                ><b>{{ error.code }}</b> {{ error.detail }}</span
                              >
                            } @else if (run.status === 'succeeded' && run.exportId) {
                              <button
                                type="button"
                                class="inline-flex items-center gap-1 text-blue-700 hover:underline"
                                data-testid="schedule-run-download"
                                (click)="store.download(run)"
                              >
                                <au-icon name="download" [size]="12" />Download
                              </button>
                            }
                            @for (delivery of run.deliveries; track $index) {
                              <span
                                class="block text-[11px]"
                                [class.text-red-700]="delivery.status === 'failed'"
                                [class.text-slate-500]="delivery.status !== 'failed'"
                                data-testid="schedule-run-delivery"
                                >{{ deliveryInWords(delivery) }}</span
                              >
                            }
                          </td>
                        </tr>
                      } @empty {
                        <tr>
                          <td colspan="6" class="py-1 text-slate-500">No runs yet.</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                } @else {
                  <p class="text-xs text-slate-500">Loading runs…</p>
                }
              </div>
            }
          </li>
        } @empty {
          @if (!store.loading()) {
            <li
              class="rounded-lg border border-dashed border-slate-300 p-6 text-center text-xs text-slate-500"
            >
              No schedules yet. Open a saved report or a dashboard and choose Schedule… to export it by
              itself.
            </li>
          }
        }
      </ul>
      @if (store.loading()) {
        <p class="mt-2 text-xs text-slate-500">Loading…</p>
      }
      <h2 class="mt-6 mb-1 text-sm font-semibold text-navy-800">Alerts</h2>
      <p class="mb-3 text-xs text-slate-500">
        Summary reports watched for you: you are told once when a condition becomes true, and once when it
        clears. Set one from its report page (Alert…).
      </p>
      <au-alerts-list [reportNames]="store.reportNames()" (reportsListed)="store.nameReports($event)" />
    </div>
    @if (edited(); as edit) {
      <au-schedule-dialog
        [subject]="edit.subject"
        [schedule]="edit.schedule"
        (saved)="saved($event)"
        (conflict)="store.load()"
        (closed)="editing.set(null)"
      />
    }
  `,
})
export class SchedulesPage implements OnInit {
  protected readonly store = inject(SchedulesStore);
  protected readonly button = BUTTON;
  protected readonly statusClass = RUN_STATUS;
  protected readonly editing = signal<Schedule | null>(null);
  /** The schedule edited, and the dialog's subject: its document, named as the lists name it. */
  protected readonly edited = computed((): { schedule: Schedule; subject: ScheduleSubject } | null => {
    const schedule = this.editing();
    if (!schedule) return null;
    const target = targetOf(schedule);
    const subject: ScheduleSubject =
      target.kind === 'dashboard'
        ? { ...target, name: this.store.dashboardNames().get(target.id) ?? '', labels: [] }
        : { ...target, name: this.store.reportNames().get(target.id) ?? '' };
    return { schedule, subject };
  });
  protected readonly trigger = triggerInWords;
  protected readonly next = nextRunInWords;
  protected readonly took = duration;
  protected readonly time = localTime;
  protected readonly deliveryInWords = deliveryInWords;
  /** Each schedule with the document it exports. */
  protected readonly rows = computed(() =>
    this.store.items().map((schedule) => ({ schedule, target: targetOf(schedule) })),
  );
  /** The page knows a dashboard's filter ids, not their labels (a GET of the dashboard would count as opening it). */
  protected readonly filterWords = filterValuesInWords;

  constructor() {
    // A schedule that failed is told by the bell's stream: its row and runs are read again.
    const notifications = inject(NotificationsStore);
    effect(() => {
      const scheduleId = notifications.latest()?.scheduleId;
      if (scheduleId) untracked(() => this.store.changed(scheduleId));
    });
  }

  ngOnInit(): void {
    this.store.load();
  }

  protected saved(schedule: Schedule): void {
    this.store.put(schedule);
    this.editing.set(null);
  }
  protected remove(schedule: Schedule): void {
    if (confirm('Delete this schedule and its run history?')) this.store.remove(schedule);
  }
}

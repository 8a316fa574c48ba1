import type { Schedule, ScheduleRun } from './schedule.types';

type ReportSchedule = Extract<Schedule, { reportId: string }>;
type DashboardSchedule = Extract<Schedule, { dashboardId: string }>;

/** What every schedule of the specs has. */
const settings = {
  id: 's1',
  owner: { sub: 'carol', name: 'Carol' },
  format: 'csv',
  trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
  deliveries: [],
  paused: false,
  version: 1,
  nextRunAt: '2027-03-29T05:00:00.000Z',
  consecutiveFailures: 0,
  failing: false,
  createdAt: '2027-03-01T00:00:00.000Z',
  updatedAt: '2027-03-01T00:00:00.000Z',
} satisfies Omit<ReportSchedule, 'reportId'>;

/** A schedule of a report as the server answers it, for the specs. */
export function aSchedule(change: Partial<ReportSchedule> = {}): Schedule {
  return { reportId: 'r1', ...settings, ...change };
}

/** A schedule of a dashboard (PDF, Region EMEA) as the server answers it. */
export function aDashboardSchedule(change: Partial<DashboardSchedule> = {}): Schedule {
  return {
    dashboardId: 'd1',
    filters: { region: { values: ['EMEA'] } },
    ...settings,
    format: 'pdf',
    ...change,
  };
}

export function aRun(change: Partial<ScheduleRun> = {}): ScheduleRun {
  return {
    id: 'run1',
    scheduleId: 's1',
    scheduledFor: '2027-03-26T10:00:00.000Z',
    cause: 'manual',
    status: 'queued',
    exportId: null,
    rows: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    deliveries: [],
    ...change,
  };
}

import type { ScheduleTarget } from '@aurora/query-model';
import {
  fieldOf,
  formOf,
  newForm,
  scheduleFilters,
  targetOf,
  toInput,
  validate,
  type ScheduleForm,
} from './schedule-form';
import type { Schedule } from './schedule.types';
import { aDashboardSchedule, aSchedule } from './testing';

const form = (change: Partial<ScheduleForm> = {}): ScheduleForm => ({
  ...newForm('report', 'Europe/Berlin'),
  ...change,
});
const report = { kind: 'report', id: 'r1' } as const;
const dashboard: ScheduleTarget = {
  kind: 'dashboard',
  id: 'd1',
  filters: { vintage: { loadId: '2026-10-31' }, region: { values: ['EMEA', 'APAC'] } },
};

describe('the schedule form', () => {
  it('starts on the first preset in the given zone, valid', () => {
    expect(form().cron).toBe('0 7 * * 1-5');
    expect(validate(form())).toEqual({});
  });

  it('makes the body the server expects: email first, attach only when asked, trimmed URLs', () => {
    const input = toInput(
      form({
        users: ['alice'],
        groups: ['finance'],
        webhooks: [' https://hooks.example.com/a '],
        cron: ' 0 7 * * 1 ',
      }),
      report,
    );
    expect(input).toEqual({
      reportId: 'r1',
      format: 'csv',
      trigger: { cron: '0 7 * * 1', timeZone: 'Europe/Berlin' },
      deliveries: [
        { email: { users: ['alice'], groups: ['finance'] } },
        { webhook: { url: 'https://hooks.example.com/a' } },
      ],
      paused: false,
    });
    expect(toInput(form({ users: ['a'], attach: true }), report).deliveries[0]).toEqual({
      email: { users: ['a'], groups: [], attach: true },
    });
    expect(toInput(form({ when: 'vintage', paused: true }), report)).toMatchObject({
      trigger: { onVintage: true },
      deliveries: [],
      paused: true,
    });
  });

  it('starts a dashboard on PDF, and sends it with its filter values instead of a report', () => {
    expect(newForm('dashboard', 'UTC').format).toBe('pdf');
    const input = toInput({ ...newForm('dashboard', 'UTC'), format: 'png', users: ['carol'] }, dashboard);
    expect(input).toEqual({
      dashboardId: 'd1',
      filters: { vintage: { loadId: '2026-10-31' }, region: { values: ['EMEA', 'APAC'] } },
      format: 'png',
      trigger: { cron: '0 7 * * 1-5', timeZone: 'UTC' },
      deliveries: [{ email: { users: ['carol'], groups: [] } }],
      paused: false,
    });
    expect(input).not.toHaveProperty('reportId');
    expect(toInput(form(), report)).not.toHaveProperty('filters');
  });

  it('leaves the vintage set now out of a schedule on each new vintage, which draws the newest', () => {
    const onVintage = toInput({ ...newForm('dashboard', 'UTC'), when: 'vintage' }, dashboard);
    expect(onVintage).toMatchObject({
      trigger: { onVintage: true },
      filters: { region: { values: ['EMEA', 'APAC'] } },
    });
    expect(onVintage).not.toHaveProperty('filters.vintage');
    const onCron = toInput(newForm('dashboard', 'UTC'), dashboard);
    expect(onCron).toHaveProperty('filters.vintage', { loadId: '2026-10-31' });
  });

  it('tells a saved schedule’s document, and keeps the dashboard page’s values apart from its state', () => {
    expect(targetOf(aSchedule({ reportId: 'r9' }))).toEqual({ kind: 'report', id: 'r9' });
    expect(targetOf(aDashboardSchedule())).toEqual({
      kind: 'dashboard',
      id: 'd1',
      filters: { region: { values: ['EMEA'] } },
    });
    const regions = ['EMEA'];
    const kept = scheduleFilters({ region: { values: regions }, day: { from: '2026-01-01' } });
    regions.push('APAC');
    expect(kept).toEqual({ region: { values: ['EMEA'] }, day: { from: '2026-01-01' } });
  });

  it('finds the problems by field', () => {
    expect(validate(form({ cron: '* * * * *' }))).toEqual({
      'trigger.cron': 'It runs more often than every 5 minutes.',
    });
    expect(validate(form({ timeZone: 'Nowhere/Atlantis' }))['trigger.timeZone']).toMatch(/time zone/);
    expect(
      validate(form({ webhooks: ['https://ok.example.com', 'http://plain.example.com', 'nope'] })),
    ).toEqual({
      'webhooks.1': 'Must be an https:// URL.',
      'webhooks.2': 'Not a URL, such as https://hooks.example.com/aurora.',
    });
    expect(validate(form({ users: Array.from({ length: 101 }, (_, i) => `u${i}`) }))['email']).toMatch(
      /At most 100/,
    );
    expect(
      validate(form({ webhooks: Array.from({ length: 11 }, () => 'https://h.example.com') }))['form'],
    ).toMatch(/At most 10 deliveries/);
    // The trigger's expression does not matter when the schedule runs on vintages.
    expect(validate(form({ when: 'vintage', cron: 'nonsense' }))).toEqual({});
  });

  it('maps the server’s paths to the fields, counting the email entry', () => {
    const withEmail = form({
      users: ['alice'],
      webhooks: ['https://a.example.com', 'https://b.example.com'],
    });
    expect(fieldOf('deliveries[2].webhook.url', withEmail)).toBe('webhooks.1');
    expect(fieldOf('deliveries[0].email.users[3]', withEmail)).toBe('email');
    expect(fieldOf('deliveries[0].webhook.url', form({ webhooks: ['https://a.example.com'] }))).toBe(
      'webhooks.0',
    );
    expect(fieldOf('trigger.cron', withEmail)).toBe('trigger.cron');
    expect(fieldOf('trigger.timeZone', withEmail)).toBe('trigger.timeZone');
    expect(fieldOf('reportId', withEmail)).toBe('form');
    expect(fieldOf('dashboardId', withEmail)).toBe('form');
    expect(fieldOf('format', withEmail)).toBe('format');
    // A dashboard's filter values are one line of the dialog: each value's refusal is told there.
    expect(fieldOf('filters.region', withEmail)).toBe('filters');
    expect(fieldOf('filters.order_date.to', withEmail)).toBe('filters');
    expect(fieldOf('filters', withEmail)).toBe('filters');
  });

  it('reads a saved schedule back, merging several email entries', () => {
    const schedule = {
      format: 'xlsx',
      trigger: { cron: '0 6 1 * *', timeZone: 'UTC' },
      deliveries: [
        { email: { users: ['a'], groups: [] } },
        { webhook: { url: 'https://h.example.com', secret: 'whsec_x' } },
        { email: { users: ['a', 'b'], groups: ['g'], attach: true } },
      ],
      paused: true,
    } as unknown as Schedule;
    expect(formOf(schedule)).toEqual({
      format: 'xlsx',
      when: 'cron',
      cron: '0 6 1 * *',
      timeZone: 'UTC',
      users: ['a', 'b'],
      groups: ['g'],
      attach: true,
      webhooks: ['https://h.example.com'],
      paused: true,
    });
  });
});

import { AuroraError } from '@aurora/errors';
import { nextCronRun, nextCronRuns, parseScheduleBody, SCHEDULE_LIMITS, scheduleTarget } from '../src';

const REPORT = '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90';
const body = (overrides: Record<string, unknown> = {}) => ({
  reportId: REPORT,
  format: 'csv',
  trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
  ...overrides,
});

function refusal(input: unknown): AuroraError {
  try {
    parseScheduleBody(input);
  } catch (error) {
    if (error instanceof AuroraError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('a schedule body', () => {
  it('takes a cron trigger, deliveries as given, and defaults', () => {
    const deliveries = [
      { email: { users: ['alice'], groups: ['finance'] } },
      { webhook: { url: 'https://hooks.example.com/aurora' } },
    ];
    expect(parseScheduleBody(body({ deliveries }))).toEqual({
      ...body(),
      deliveries: [{ email: { users: ['alice'], groups: ['finance'], attach: false } }, deliveries[1]],
      paused: false,
    });
  });

  it('takes attach on an email delivery, and refuses a secret given for a webhook', () => {
    const attach = { email: { users: ['alice'], groups: [], attach: true } };
    expect(parseScheduleBody(body({ deliveries: [attach] })).deliveries).toEqual([attach]);
    expect(() =>
      parseScheduleBody(body({ deliveries: [{ webhook: { url: 'https://h.example', secret: 'whsec_x' } }] })),
    ).toThrow();
  });

  it('takes a dashboard as a PDF or PNG, with filter values', () => {
    const dashboard = { dashboardId: REPORT, format: 'png', filters: { region: { values: ['EMEA'] } } };
    const parsed = parseScheduleBody({ ...body(), reportId: undefined, ...dashboard });
    expect(parsed).toMatchObject(dashboard);
    expect(scheduleTarget(parsed)).toEqual({ kind: 'dashboard', id: REPORT, filters: dashboard.filters });
    expect(scheduleTarget(parseScheduleBody(body()))).toEqual({ kind: 'report', id: REPORT });
  });

  it('takes an onVintage trigger', () => {
    expect(parseScheduleBody(body({ trigger: { onVintage: true }, paused: true })).trigger).toEqual({
      onVintage: true,
    });
  });

  it.each([
    ['a report id that is no id', body({ reportId: 'x' }), 'reportId'],
    ['a report as a page', body({ format: 'pdf' }), 'format'],
    ['a dashboard as rows', body({ reportId: undefined, dashboardId: REPORT }), 'format'],
    ['a report and a dashboard', body({ dashboardId: REPORT, format: 'pdf' }), 'reportId'],
    ['neither', body({ reportId: undefined }), 'reportId'],
    ['filter values on a report', body({ filters: {} }), 'filters'],
    [
      'a pinned vintage on a schedule of each new vintage',
      body({
        reportId: undefined,
        dashboardId: REPORT,
        format: 'pdf',
        filters: { month: { loadId: '2026-09-30' } },
        trigger: { onVintage: true },
      }),
      'filters.month',
    ],
    ['a format of neither', body({ format: 'docx' }), 'format'],
    [
      'an unknown zone',
      body({ trigger: { cron: '0 7 * * *', timeZone: 'Mars/Olympus' } }),
      'trigger.timeZone',
    ],
    ['six fields', body({ trigger: { cron: '0 0 7 * * *', timeZone: 'UTC' } }), 'trigger.cron'],
    ['a broken expression', body({ trigger: { cron: '61 7 * * *', timeZone: 'UTC' } }), 'trigger.cron'],
    ['every minute', body({ trigger: { cron: '* * * * *', timeZone: 'UTC' } }), 'trigger.cron'],
    ['a date that never comes', body({ trigger: { cron: '0 0 30 2 *', timeZone: 'UTC' } }), 'trigger.cron'],
    ['onVintage false', body({ trigger: { onVintage: false } }), 'trigger'],
    [
      'an http webhook',
      body({ deliveries: [{ webhook: { url: 'http://x.example' } }] }),
      'deliveries[0].webhook.url',
    ],
    ['an unknown field', body({ owner: 'mallory' }), 'owner'],
    [
      'too many deliveries',
      body({
        deliveries: Array.from({ length: SCHEDULE_LIMITS.maxDeliveries + 1 }, () => ({
          email: { users: [], groups: [] },
        })),
      }),
      'deliveries',
    ],
  ])('refuses %s', (_, input, path) => {
    const error = refusal(input);
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.path).toBe(path);
  });
});

describe('cron instants across daylight-saving shifts', () => {
  it('runs a 02:30 Europe/Berlin schedule once on the spring-forward day, just after the gap', () => {
    const runs = nextCronRuns(
      { cron: '30 2 * * *', timeZone: 'Europe/Berlin' },
      3,
      new Date('2027-03-27T01:30:00Z'),
    );
    // 2027-03-28 02:00 CET becomes 03:00 CEST: 02:30 does not exist that day.
    expect(iso(runs)).toEqual([
      '2027-03-28T01:00:00.000Z',
      '2027-03-29T00:30:00.000Z',
      '2027-03-30T00:30:00.000Z',
    ]);
  });

  it('runs a 02:30 Europe/Berlin schedule once on the fall-back day, at the first 02:30', () => {
    const runs = nextCronRuns(
      { cron: '30 2 * * *', timeZone: 'Europe/Berlin' },
      3,
      new Date('2027-10-30T00:30:00Z'),
    );
    // 2027-10-31 03:00 CEST becomes 02:00 CET: 02:30 happens at 00:30Z and again at 01:30Z.
    expect(iso(runs)).toEqual([
      '2027-10-31T00:30:00.000Z',
      '2027-11-01T01:30:00.000Z',
      '2027-11-02T01:30:00.000Z',
    ]);
  });

  it('keeps 07:00 on weekdays in Berlin local time across the shift', () => {
    const runs = nextCronRuns(
      { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
      2,
      new Date('2027-03-26T00:00:00Z'),
    );
    expect(iso(runs)).toEqual(['2027-03-26T06:00:00.000Z', '2027-03-29T05:00:00.000Z']);
  });

  it('runs a 02:30 America/New_York schedule once on the spring-forward day', () => {
    const trigger = { cron: '30 2 * * *', timeZone: 'America/New_York' };
    const runs = nextCronRuns(trigger, 2, new Date('2027-03-13T12:00:00Z'));
    expect(iso(runs)).toEqual(['2027-03-14T07:00:00.000Z', '2027-03-15T06:30:00.000Z']);
  });

  it('runs a 01:30 America/New_York schedule once on the fall-back day', () => {
    const trigger = { cron: '30 1 * * *', timeZone: 'America/New_York' };
    const first = nextCronRun(trigger, new Date('2027-11-07T00:00:00Z'));
    expect(first?.toISOString()).toBe('2027-11-07T05:30:00.000Z');
    // After the first 01:30 (EDT) the next run is the next day's, not the repeated 01:30 EST.
    expect(nextCronRun(trigger, first ?? new Date(0))?.toISOString()).toBe('2027-11-08T06:30:00.000Z');
  });
});

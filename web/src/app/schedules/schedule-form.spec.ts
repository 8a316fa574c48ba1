import { fieldOf, formOf, newForm, toInput, validate, type ScheduleForm } from './schedule-form';
import type { Schedule } from './schedule.types';

const form = (change: Partial<ScheduleForm> = {}): ScheduleForm => ({
  ...newForm('Europe/Berlin'),
  ...change,
});

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
      'r1',
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
    expect(toInput(form({ users: ['a'], attach: true }), 'r1').deliveries[0]).toEqual({
      email: { users: ['a'], groups: [], attach: true },
    });
    expect(toInput(form({ when: 'vintage', paused: true }), 'r1')).toMatchObject({
      trigger: { onVintage: true },
      deliveries: [],
      paused: true,
    });
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

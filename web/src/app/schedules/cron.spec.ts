import { CRON_PRESETS, cronInWords, cronProblem, inZone, nextRuns } from './cron';

const BERLIN = 'Europe/Berlin';
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe('cron presets and next runs', () => {
  it('offers valid presets, each named in words', () => {
    for (const preset of CRON_PRESETS) {
      expect(cronProblem(preset.cron, BERLIN)).toBeNull();
      expect(cronInWords(preset.cron)).toBe(preset.label);
    }
    expect(cronInWords('0  7 * *   1-5')).toBe('Every weekday at 07:00');
    expect(cronInWords('15 9 * * 2')).toBe('Cron “15 9 * * 2”');
  });

  it('keeps a weekday 07:00 at 07:00 Berlin time across the spring change (last Sunday of March)', () => {
    const runs = nextRuns('0 7 * * 1-5', BERLIN, 3, new Date('2027-03-25T12:00:00Z'));
    // Friday in CET (UTC+1), then Monday and Tuesday in CEST (UTC+2): the weekend in between is skipped.
    expect(iso(runs)).toEqual([
      '2027-03-26T06:00:00.000Z',
      '2027-03-29T05:00:00.000Z',
      '2027-03-30T05:00:00.000Z',
    ]);
    expect(runs.map((run) => inZone(run, BERLIN))).toEqual([
      'Fri, 26 Mar 2027, 07:00 CET',
      'Mon, 29 Mar 2027, 07:00 CEST',
      'Tue, 30 Mar 2027, 07:00 CEST',
    ]);
  });

  it('runs a time in the spring-forward gap once, just after it (as the server does)', () => {
    const runs = nextRuns('30 2 * * *', BERLIN, 3, new Date('2027-03-26T12:00:00Z'));
    // 28 March 2027 has no 02:30 in Berlin: that day's run is at 03:00 CEST.
    expect(iso(runs)).toEqual([
      '2027-03-27T01:30:00.000Z',
      '2027-03-28T01:00:00.000Z',
      '2027-03-29T00:30:00.000Z',
    ]);
  });

  it('runs a time of the repeated autumn hour once, at its first occurrence (last Sunday of October)', () => {
    const runs = nextRuns('30 2 * * *', BERLIN, 3, new Date('2027-10-29T12:00:00Z'));
    expect(iso(runs)).toEqual([
      '2027-10-30T00:30:00.000Z',
      '2027-10-31T00:30:00.000Z',
      '2027-11-01T01:30:00.000Z',
    ]);
    const daily = nextRuns('0 7 * * *', BERLIN, 3, new Date('2027-10-29T12:00:00Z'));
    expect(daily.map((run) => inZone(run, BERLIN))).toEqual([
      'Sat, 30 Oct 2027, 07:00 CEST',
      'Sun, 31 Oct 2027, 07:00 CET',
      'Mon, 1 Nov 2027, 07:00 CET',
    ]);
  });

  it('computes the first day of the month in the chosen zone, not the browser’s', () => {
    const runs = nextRuns('0 6 1 * *', 'America/New_York', 2, new Date('2027-01-15T00:00:00Z'));
    expect(iso(runs)).toEqual(['2027-02-01T11:00:00.000Z', '2027-03-01T11:00:00.000Z']);
  });

  it('refuses what the server refuses, with a reason, and shows no runs for it', () => {
    expect(cronProblem('', BERLIN)).toMatch(/Enter/);
    expect(cronProblem('0 7 * *', BERLIN)).toMatch(/five fields/);
    expect(cronProblem('0 0 7 * * 1', BERLIN)).toMatch(/five fields/);
    expect(cronProblem('0 25 * * *', BERLIN)).toMatch(/Not a cron expression/);
    expect(cronProblem('* * * * *', BERLIN)).toMatch(/more often than every 5 minutes/);
    expect(cronProblem('*/5 * * * *', BERLIN)).toBeNull();
    expect(cronProblem('0 0 30 2 *', BERLIN)).toMatch(/never runs|Not a cron/);
    expect(nextRuns('* * * * *', BERLIN, 5)).toEqual([]);
    expect(nextRuns('0 7 * * *', 'Mars/Olympus', 5)).toEqual([]);
  });
});

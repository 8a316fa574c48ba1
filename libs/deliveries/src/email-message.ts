import type { AlertNotice, FinishedRun } from './run';

/** Whether the file goes along with the mail, and if not, the sentence that tells the reader why. */
export type AttachmentPlan =
  { readonly kind: 'attach' } | { readonly kind: 'link-only'; readonly why: string | undefined };

export function attachmentPlan(run: FinishedRun, maxBytes: number, wanted: boolean): AttachmentPlan {
  if (!wanted || run.status === 'failed' || run.readFile === undefined)
    return { kind: 'link-only', why: undefined };
  if (maxBytes === 0)
    return { kind: 'link-only', why: 'Files are not attached to these mails; use the link.' };
  if (run.bytes > maxBytes)
    return {
      kind: 'link-only',
      why: `The file (${formatBytes(run.bytes)}) is larger than the ${formatBytes(maxBytes)} attachment limit, so it is not attached; use the link.`,
    };
  return { kind: 'attach' };
}

export interface ComposedMail {
  readonly subject: string;
  readonly text: string;
}

/**
 * The mail of a run: what ran, how it ended and the portal link. It never carries the data itself (the link asks
 * the portal, which applies the reader's own rights); only an attachment does, when the plan allows one.
 */
export function composeMail(run: FinishedRun, plan: AttachmentPlan): ComposedMail {
  // A name is the user's text: no line breaks in a header.
  const name = run.name.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
  const what = `The scheduled ${run.document} "${name}"`;
  // A dashboard's file is one page: its rows are not what its reader counts.
  const contents = run.document === 'report' ? `${run.rows.toLocaleString('en-US')} rows, ` : '';
  const lines =
    run.status === 'succeeded'
      ? [
          `${what} finished at ${run.finishedAt}: ${contents}${run.fileName} (${formatBytes(run.bytes)}).`,
          '',
          'Open the file in Aurora (you sign in, and see it only if your own access allows):',
          run.link,
          '',
          plan.kind === 'attach' ? 'The file is also attached.' : (plan.why ?? ''),
        ]
      : [
          `${what} failed at ${run.finishedAt}.`,
          '',
          `Reason: ${run.error?.detail ?? 'unknown'}${run.error ? ` (${run.error.code})` : ''}`,
        ];
  const footer = ['', `Schedule ${run.scheduleId}, run ${run.runId}.`];
  return {
    subject: `Aurora: "${name}" ${run.status === 'succeeded' ? 'is ready' : 'failed'}`,
    text: [...lines, ...footer].filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n'),
  };
}

/**
 * The mail of an alert that fired or cleared: the numbers that made it so (at most the check's 20) and the portal
 * link to the report, which shows each reader only what their own access allows.
 */
export function composeAlertMail(notice: AlertNotice): ComposedMail {
  const name = notice.alertName.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
  const report = notice.reportName.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
  const numbers = notice.values.map((value) => {
    const row = value.row
      ? Object.entries(value.row)
          .map(([column, cell]) => `${column} = ${String(cell)}`)
          .join(', ')
      : 'all rows';
    const parts = [
      `${value.measure} ${value.value === null ? 'no value' : formatNumber(value.value)}`,
      value.previous === null ? '' : `previous ${formatNumber(value.previous)}`,
      value.changePercent === null ? '' : `change ${formatNumber(value.changePercent)}%`,
      value.zScore === null ? '' : `z-score ${formatNumber(value.zScore)}`,
      value.vintage === null ? '' : `vintage ${value.vintage}`,
    ].filter((part) => part !== '');
    return `- ${row}: ${parts.join('; ')}`;
  });
  const lines = [
    notice.transition === 'fired'
      ? `The alert "${name}" on the report "${report}" fired at ${notice.finishedAt}: ${notice.summary}.`
      : `The alert "${name}" on the report "${report}" cleared at ${notice.finishedAt}: ${notice.summary}.`,
    '',
    ...(notice.rowCount === null ? [] : [`The report has ${formatNumber(notice.rowCount)} rows.`]),
    ...(numbers.length > 0 ? ['The numbers:', ...numbers, ''] : []),
    'Open the report in Aurora (you sign in, and see it only if your own access allows):',
    notice.link,
    '',
    `Alert ${notice.alertId}, check ${notice.checkId}.`,
  ];
  return { subject: `Aurora alert: "${name}" ${notice.transition}`, text: lines.join('\n') };
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: 2,
    minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'TB'}`;
}

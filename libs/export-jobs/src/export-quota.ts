import { FINISHED, type ExportJob } from './job';

/** A user's export quotas (docs/API.md, "Quotas"); 0 is no limit. */
export interface ExportLimits {
  /** Jobs queued or running at once. */
  readonly concurrentJobs: number;
  /** Rows written by the user's jobs that ended since midnight UTC. */
  readonly rowsPerDay: number;
}

/**
 * What one user's exports hold now: the jobs that may still run, and the rows written today by the jobs that
 * ended. Kept in the jobs bucket as the entry `quota.<owner>`, rewritten by compare-and-set, so submissions on
 * every gateway replica see one count.
 */
export interface ExportUsage {
  /** Ids of the jobs submitted and not yet seen finished (queued, running, or a record that never was written). */
  readonly active: readonly string[];
  /** The UTC day (`YYYY-MM-DD`) `rows` counts. */
  readonly day: string;
  readonly rows: number;
}

/** The UTC day of `time`, and the instant the next one starts (when a daily quota resets). */
export function utcDay(time: Date): { day: string; resetsAt: Date } {
  const midnight = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  return { day: new Date(midnight).toISOString().slice(0, 10), resetsAt: new Date(midnight + 86_400_000) };
}

/**
 * The usage brought up to date: a job whose record says it ended (or that has no record: its submission failed
 * half-way) leaves `active`, and the rows its worker wrote count for the day it ended, if that is today. A job
 * ends once, and leaves `active` in the same write that counts its rows, so no job counts twice.
 */
export function settleUsage(
  usage: ExportUsage,
  records: ReadonlyMap<string, ExportJob | undefined>,
  now: Date,
): ExportUsage {
  const { day } = utcDay(now);
  let rows = usage.day === day ? usage.rows : 0;
  const active: string[] = [];
  for (const id of usage.active) {
    const job = records.get(id);
    if (job && !FINISHED.has(job.status)) active.push(id);
    else if (job?.finishedAt && job.finishedAt.slice(0, 10) === day) rows += job.rowsWritten;
  }
  return { active, day, rows };
}

/** Which quota a new job would exceed, or undefined when it may be queued. */
export function exceededQuota(
  usage: ExportUsage,
  limits: ExportLimits,
): 'concurrentExports' | 'exportRowsPerDay' | undefined {
  if (limits.rowsPerDay > 0 && usage.rows >= limits.rowsPerDay) return 'exportRowsPerDay';
  if (limits.concurrentJobs > 0 && usage.active.length >= limits.concurrentJobs) return 'concurrentExports';
  return undefined;
}

export const NO_USAGE: ExportUsage = { active: [], day: '', rows: 0 };

export function decodeUsage(value: unknown): ExportUsage {
  if (typeof value !== 'object' || value === null) return NO_USAGE;
  const { active, day, rows } = value as Record<string, unknown>;
  return {
    active: Array.isArray(active) ? active.filter((id): id is string => typeof id === 'string') : [],
    day: typeof day === 'string' ? day : '',
    rows: Number.isSafeInteger(rows) ? (rows as number) : 0,
  };
}

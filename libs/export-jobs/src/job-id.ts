import { randomUUID } from 'node:crypto';

/**
 * What a job id is: a random UUID (version 4, lower-case, as `randomUUID` writes it). Ids become NATS KV keys
 * and subjects and S3 object keys, so a client's id that is anything else (a wildcard `*` or `>`, a dot, a
 * space, a 5,000-character string) is refused before it gets near NATS.
 */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The id of a new job. */
export function newJobId(): string {
  return randomUUID();
}

/** Whether `value` could be the id of a job (says nothing of whether that job exists). */
export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}

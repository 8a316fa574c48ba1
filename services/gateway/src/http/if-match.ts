import { AuroraError, ErrorCode } from '@aurora/errors';

/**
 * The version an If-Match names (`"3"`, `W/"3"` or `3`), for the resources whose ETag is their version (reports,
 * schedules); undefined when there is none. Anything else is 412 EDIT_CONFLICT: it names no version of `what`.
 */
export function ifMatchVersion(ifMatch: string | undefined, what: string): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match)
    throw new AuroraError(ErrorCode.EDIT_CONFLICT, `If-Match does not name a version of this ${what}.`);
  return Number(match[1]);
}

/** The version an update must name: 428 PRECONDITION_REQUIRED without one, so no save overwrites unseen changes. */
export function requiredIfMatchVersion(ifMatch: string | undefined, what: string): number {
  const version = ifMatchVersion(ifMatch, what);
  if (version === undefined)
    throw new AuroraError(
      ErrorCode.PRECONDITION_REQUIRED,
      `Send the ${what}'s ETag in If-Match, so that a save never overwrites a change you have not seen.`,
    );
  return version;
}
